//! The actions of one comma-separated clause of `ALTER TABLE table …`.

use sqlparser::tokenizer::Token;

use super::classify::{
    Action, ColumnType, ConstraintKind, Cursor, column_def, column_type, parenthesised,
};
use crate::scan::is_keyword;

/// Words after `ALTER TABLE … ADD` / `DROP` that name something other than a column.
const NOT_A_COLUMN: &[&str] = &[
    "CONSTRAINT",
    "INDEX",
    "KEY",
    "PRIMARY",
    "FOREIGN",
    "UNIQUE",
    "CHECK",
    "FULLTEXT",
    "SPATIAL",
    "PARTITION",
    "DEFAULT",
    "EXCLUDE",
];

/// The actions of one comma-separated part of `ALTER TABLE table …`.
pub(super) fn actions(table: &str, toks: &[Token]) -> Option<Vec<Action>> {
    let table = table.to_string();
    let mut c = Cursor::new(toks);
    if c.eat("ADD") {
        if c.is_any(NOT_A_COLUMN) {
            return add_constraint(table, c);
        }
        c.eat("COLUMN");
        c.eat_all(&["IF", "NOT", "EXISTS"]);
        let (column, ty, facts) = column_def(c.rest())?;
        let mut actions = vec![Action::Name {
            name: column.clone(),
        }];
        if let Some(ty) = &ty {
            actions.push(Action::DeclareColumn {
                table: table.clone(),
                column: column.clone(),
                ty: ty.clone(),
                facts: facts.clone(),
            });
        }
        if facts.references {
            actions.push(copy(
                table.clone(),
                "adds a foreign key (while foreign_key_checks is on)",
            ));
            actions.push(Action::AddConstraint {
                table: table.clone(),
                name: String::new(),
                kind: ConstraintKind::ForeignKey,
                not_valid: false,
                using_index: false,
                not_null_of: None,
            });
        }
        actions.push(Action::AddColumn {
            table,
            column,
            ty,
            not_null_without_default: facts.not_null && !facts.has_default,
            facts,
        });
        return Some(actions);
    }
    if c.eat("DROP") {
        if c.eat_all(&["PRIMARY", "KEY"]) {
            return Some(vec![
                Action::DropConstraint {
                    table: table.clone(),
                },
                copy(table, "drops the primary key"),
            ]);
        }
        if c.is_any(&["CONSTRAINT", "FOREIGN", "CHECK"]) {
            return Some(vec![Action::DropConstraint { table }]);
        }
        if c.is_any(NOT_A_COLUMN) {
            return None;
        }
        c.eat("COLUMN");
        c.eat_all(&["IF", "EXISTS"]);
        let column = c.name()?;
        return Some(vec![Action::DropColumn { table, column }]);
    }
    if c.eat("ALTER") {
        c.eat("COLUMN");
        let column = c.name()?;
        let mut actions = vec![Action::AlterInPlace {
            table: table.clone(),
            what: format!("ALTER COLUMN {column}"),
        }];
        if c.eat_all(&["SET", "DATA", "TYPE"]) || c.eat("TYPE") {
            let ty = column_type(&mut c)?;
            actions.push(change_type(table, column, ty));
        } else if c.eat_all(&["SET", "NOT", "NULL"]) {
            actions.push(Action::SetNotNull { table, column });
        } else if c.eat_all(&["DROP", "NOT", "NULL"]) {
            actions.push(Action::DropNotNull { table, column });
        }
        return Some(actions);
    }
    if c.eat("MODIFY") {
        c.eat("COLUMN");
        let (column, ty, facts) = column_def(c.rest())?;
        let mut actions = vec![
            Action::AlterInPlace {
                table: table.clone(),
                what: format!("MODIFY {column}"),
            },
            change_type(table.clone(), column.clone(), ty?),
        ];
        if facts.not_null && !facts.has_default {
            actions.push(Action::SetNotNull { table, column });
        }
        return Some(actions);
    }
    if c.eat("CHANGE") {
        c.eat("COLUMN");
        let from = c.name()?;
        let (to, ty, facts) = column_def(c.rest())?;
        // A type change (checked on the old name) and, when the name differs, a rename.
        let mut actions = vec![change_type(table.clone(), from.clone(), ty?)];
        if facts.not_null && !facts.has_default {
            actions.push(Action::SetNotNull {
                table: table.clone(),
                column: from.clone(),
            });
        }
        if from != to {
            actions.push(Action::RenameColumn { table, from, to });
        }
        return Some(actions);
    }
    if c.eat("RENAME") {
        if c.eat("TO") || c.eat("AS") {
            let to = c.name()?;
            return Some(vec![Action::RenameTable { from: table, to }]);
        }
        if c.is_any(&["CONSTRAINT", "INDEX", "KEY"]) {
            return None;
        }
        c.eat("COLUMN");
        let from = c.name()?;
        c.eat("TO");
        let to = c.name()?;
        return Some(vec![Action::RenameColumn { table, from, to }]);
    }
    if c.eat_all(&["VALIDATE", "CONSTRAINT"]) {
        let name = c.name()?;
        return Some(vec![Action::ValidateConstraint { table, name }]);
    }
    if c.eat_all(&["DETACH", "PARTITION"]) {
        c.name();
        let concurrently = c.is_kw("CONCURRENTLY");
        return Some(vec![Action::DetachPartition {
            table,
            concurrently,
        }]);
    }
    mysql_options(table, c)
}

/// The MySQL table options and clauses that rebuild the table by copying it.
fn mysql_options(table: String, mut c: Cursor<'_>) -> Option<Vec<Action>> {
    if c.eat("ALGORITHM") {
        c.pos += usize::from(c.peek() == Some(&Token::Eq));
        return c
            .eat("COPY")
            .then(|| vec![copy(table, "asks for ALGORITHM=COPY")]);
    }
    if c.eat_all(&["CONVERT", "TO"]) {
        return Some(vec![copy(table, "converts the table's character set")]);
    }
    if c.eat("ENGINE") {
        return Some(vec![copy(table, "changes the storage engine")]);
    }
    if c.eat("FORCE") {
        return Some(vec![copy(table, "forces a rebuild")]);
    }
    None
}

/// `ALTER TABLE … ADD` of a table constraint or index.
fn add_constraint(table: String, mut c: Cursor<'_>) -> Option<Vec<Action>> {
    let mut actions = Vec::new();
    let mut name = String::new();
    if c.eat("CONSTRAINT") {
        name = c.name().unwrap_or_default();
        actions.push(Action::Name { name: name.clone() });
    }
    let kind = if c.eat_all(&["FOREIGN", "KEY"]) {
        actions.push(copy(
            table.clone(),
            "adds a foreign key (while foreign_key_checks is on)",
        ));
        ConstraintKind::ForeignKey
    } else if c.eat("CHECK") {
        actions.push(copy(table.clone(), "adds a check constraint"));
        ConstraintKind::Check
    } else if c.eat("UNIQUE") {
        ConstraintKind::Unique
    } else if c.eat_all(&["PRIMARY", "KEY"]) {
        actions.push(copy(table.clone(), "adds a primary key"));
        ConstraintKind::PrimaryKey
    } else if c.eat("EXCLUDE") {
        ConstraintKind::Exclude
    } else {
        if c.is_any(&["FULLTEXT", "SPATIAL"]) {
            actions.push(copy(table, "adds a FULLTEXT or SPATIAL index"));
        }
        return Some(actions);
    };
    let not_null_of = match kind {
        ConstraintKind::Check => parenthesised(c.rest()).and_then(is_not_null_check),
        _ => None,
    };
    let rest = c.rest();
    let has = |words: [&str; 2]| {
        rest.windows(2)
            .any(|w| is_keyword(&w[0], words[0]) && is_keyword(&w[1], words[1]))
    };
    actions.push(Action::AlterInPlace {
        table: table.clone(),
        what: "ADD CONSTRAINT".into(),
    });
    actions.push(Action::AddConstraint {
        table,
        name,
        kind,
        not_valid: has(["NOT", "VALID"]),
        using_index: has(["USING", "INDEX"]),
        not_null_of,
    });
    Some(actions)
}

/// The column of a check `c IS NOT NULL`.
fn is_not_null_check(toks: &[Token]) -> Option<String> {
    let mut c = Cursor::new(toks);
    let column = c.name()?;
    (c.eat_all(&["IS", "NOT", "NULL"]) && c.rest().is_empty()).then_some(column)
}

fn copy(table: String, what: &str) -> Action {
    Action::CopyTable {
        table,
        what: what.to_string(),
    }
}

/// A type change read from a statement, whose old type the statement does not state.
fn change_type(table: String, column: String, ty: ColumnType) -> Action {
    Action::ChangeType {
        table,
        column,
        from: None,
        ty,
    }
}
