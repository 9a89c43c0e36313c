//! What the three renderers share: the [`Builder`] that assembles the SQL text of
//! autogenerate with identifiers quoted by the dialect, and the [`Context`] a renderer reads.
//! Rendering is pure: changes and schemas in, statements out. Where the databases spell a
//! clause differently, the renderer of each says so through the builder's switches rather
//! than the builder asking which database it is.

use super::Dialect;
use crate::schema::{
    Change, CheckConstraint, Column, ForeignKey, Index, Object, ObjectKind, Schema, Table,
    UniqueConstraint,
};

/// What a renderer sees: the changes in order, and the schemas before and after them all.
pub(crate) struct Context<'a> {
    /// The changes being rendered, in order.
    pub changes: &'a [Change],
    /// The schema the changes start from.
    pub from: &'a Schema,
    /// The schema the changes lead to.
    pub to: &'a Schema,
}

/// The one place SQL text of autogenerate is assembled, identifiers quoted by the dialect.
pub(crate) struct Builder<'d> {
    /// The dialect quoting identifiers and literals.
    pub d: &'d dyn Dialect,
    /// Whether `CREATE INDEX` names a non-default access method (`USING gin`).
    pub index_method: bool,
    /// Whether a primary key in `CREATE TABLE` keeps its constraint name.
    pub named_primary_key: bool,
}

impl Builder<'_> {
    /// A quoted identifier.
    pub fn q(&self, ident: &str) -> String {
        self.d.quote_ident(ident)
    }

    /// A quoted string literal.
    pub fn lit(&self, value: &str) -> String {
        self.d.quote_literal(value)
    }

    /// Quoted identifiers separated by commas.
    pub fn list(&self, idents: &[String]) -> String {
        idents
            .iter()
            .map(|i| self.q(i))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// `CREATE [UNIQUE] INDEX … ON … [USING …] (…) [WHERE …]`.
    pub fn create_index(&self, table: &str, index: &Index) -> String {
        let mut sql = format!(
            "CREATE {}INDEX {} ON {}",
            if index.unique { "UNIQUE " } else { "" },
            self.q(&index.name),
            self.q(table)
        );
        if let Some(method) = &index.method
            && self.index_method
        {
            sql.push_str(&format!(" USING {method}"));
        }
        sql.push_str(&format!(" ({})", index.parts.join(", ")));
        if let Some(options) = &index.options {
            sql.push_str(&format!(" {options}"));
        }
        if let Some(predicate) = &index.predicate {
            sql.push_str(&format!(" WHERE {predicate}"));
        }
        sql
    }

    /// `CONSTRAINT name UNIQUE (…)`, a name made up when the model has none.
    pub fn unique(&self, table: &str, u: &UniqueConstraint) -> String {
        let name = u
            .name
            .clone()
            .unwrap_or_else(|| format!("{table}_{}_key", u.columns.join("_")));
        format!(
            "CONSTRAINT {} UNIQUE ({})",
            self.q(&name),
            self.list(&u.columns)
        )
    }

    /// `CONSTRAINT name CHECK (…)`.
    pub fn check(&self, table: &str, c: &CheckConstraint) -> String {
        format!(
            "CONSTRAINT {} CHECK ({})",
            self.q(&check_name(table, c)),
            c.expression
        )
    }

    /// `[CONSTRAINT name] FOREIGN KEY (…) REFERENCES …`.
    pub fn foreign_key(&self, fk: &ForeignKey) -> String {
        let mut sql = String::new();
        if let Some(name) = &fk.name {
            sql.push_str(&format!("CONSTRAINT {} ", self.q(name)));
        }
        sql.push_str(&format!(
            "FOREIGN KEY ({}) REFERENCES {} ({})",
            self.list(&fk.columns),
            self.q(&fk.ref_table),
            self.list(&fk.ref_columns)
        ));
        if let Some(m) = &fk.match_type {
            sql.push_str(&format!(" {m}"));
        }
        if let Some(a) = &fk.on_delete {
            sql.push_str(&format!(" ON DELETE {a}"));
        }
        if let Some(a) = &fk.on_update {
            sql.push_str(&format!(" ON UPDATE {a}"));
        }
        if let Some(d) = &fk.deferral {
            sql.push_str(&format!(" {d}"));
        }
        sql
    }

    /// The statement that creates `o`: its definition as the database printed it back.
    pub fn create_object(&self, o: &Object) -> String {
        o.definition
            .trim()
            .trim_end_matches(';')
            .trim_end()
            .to_string()
    }

    /// `DROP <kind> name`. A routine's or aggregate's name carries its argument types and is
    /// used as the catalog printed it; other names are quoted. `trigger_on_table`: the
    /// database names a trigger's table when dropping it (PostgreSQL).
    pub fn drop_object(&self, o: &Object, trigger_on_table: bool) -> String {
        let name = match o.key.kind {
            ObjectKind::Function | ObjectKind::Procedure | ObjectKind::Aggregate => {
                o.key.name.clone()
            }
            _ => self.q(&o.key.name),
        };
        let keyword = match o.key.kind {
            ObjectKind::Extension => "EXTENSION",
            ObjectKind::Namespace => "SCHEMA",
            ObjectKind::Domain => "DOMAIN",
            ObjectKind::CompositeType => "TYPE",
            ObjectKind::Sequence => "SEQUENCE",
            ObjectKind::Function => "FUNCTION",
            ObjectKind::Procedure => "PROCEDURE",
            ObjectKind::Aggregate => "AGGREGATE",
            ObjectKind::Table | ObjectKind::Partition => "TABLE",
            ObjectKind::View => "VIEW",
            ObjectKind::MaterializedView => "MATERIALIZED VIEW",
            ObjectKind::ViewIndex => "INDEX",
            ObjectKind::Trigger => "TRIGGER",
            ObjectKind::Other(word) => word,
        };
        match (&o.table, o.key.kind) {
            (Some(table), ObjectKind::Trigger) if trigger_on_table => {
                format!("DROP {keyword} {name} ON {}", self.q(table))
            }
            _ => format!("DROP {keyword} {name}"),
        }
    }

    /// `DROP TABLE`, the same on every database.
    pub fn drop_table(&self, table: &str) -> String {
        format!("DROP TABLE {}", self.q(table))
    }

    /// `ALTER TABLE … DROP COLUMN`, the same on every database.
    pub fn drop_column(&self, table: &str, column: &str) -> String {
        format!(
            "ALTER TABLE {} DROP COLUMN {}",
            self.q(table),
            self.q(column)
        )
    }

    /// `ALTER TABLE … RENAME COLUMN … TO`, the same on every database.
    pub fn rename_column(&self, table: &str, from: &str, to: &str) -> String {
        format!(
            "ALTER TABLE {} RENAME COLUMN {} TO {}",
            self.q(table),
            self.q(from),
            self.q(to)
        )
    }

    /// `ALTER TABLE … ADD CONSTRAINT … UNIQUE`.
    pub fn add_unique(&self, table: &str, u: &UniqueConstraint) -> String {
        format!(
            "ALTER TABLE {} ADD {}",
            self.q(table),
            self.unique(table, u)
        )
    }

    /// `ALTER TABLE … ADD CONSTRAINT … CHECK`, as PostgreSQL and MySQL write it.
    pub fn add_check(&self, table: &str, c: &CheckConstraint) -> String {
        format!("ALTER TABLE {} ADD {}", self.q(table), self.check(table, c))
    }

    /// `ALTER TABLE … DROP CONSTRAINT` of a check, under the name it was created with.
    pub fn drop_check(&self, table: &str, c: &CheckConstraint) -> String {
        format!(
            "ALTER TABLE {} DROP CONSTRAINT {}",
            self.q(table),
            self.q(&check_name(table, c))
        )
    }

    /// `ALTER TABLE … ADD CONSTRAINT … FOREIGN KEY`.
    pub fn add_foreign_key(&self, table: &str, fk: &ForeignKey) -> String {
        format!("ALTER TABLE {} ADD {}", self.q(table), self.foreign_key(fk))
    }

    /// `CREATE TABLE` with columns, primary key, unique, check and foreign-key constraints;
    /// `column` writes one column definition, `suffix` what follows the closing parenthesis.
    pub fn create_table(
        &self,
        t: &Table,
        column: impl Fn(&Column) -> String,
        suffix: &str,
    ) -> String {
        let mut items: Vec<String> = t.columns.iter().map(column).collect();
        if !t.primary_key.is_empty() {
            let named = match &t.primary_key_name {
                Some(n) if self.named_primary_key => format!("CONSTRAINT {} ", self.q(n)),
                _ => String::new(),
            };
            items.push(format!(
                "{named}PRIMARY KEY ({})",
                self.list(&t.primary_key)
            ));
        }
        items.extend(t.uniques.iter().map(|u| self.unique(&t.name, u)));
        items.extend(t.checks.iter().map(|c| self.check(&t.name, c)));
        items.extend(t.foreign_keys.iter().map(|fk| self.foreign_key(fk)));
        format!(
            "CREATE TABLE {} (\n    {}\n){suffix}",
            self.q(&t.name),
            items.join(",\n    ")
        )
    }
}

/// A UNIQUE constraint's name: its own, else `<table>_<columns>_key` as PostgreSQL makes it.
pub(crate) fn unique_name(table: &str, u: &UniqueConstraint) -> String {
    u.name
        .clone()
        .unwrap_or_else(|| format!("{table}_{}_key", u.columns.join("_")))
}

/// A check constraint's name: its own, else one made from the table and expression.
pub(crate) fn check_name(table: &str, c: &CheckConstraint) -> String {
    c.name.clone().unwrap_or_else(|| {
        let hash = c
            .expression
            .bytes()
            .fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)));
        format!("ck_{table}_{hash:08x}")
    })
}

#[cfg(test)]
mod tests;
