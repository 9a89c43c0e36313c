//! The actions of statements other than `CREATE TABLE`, `CREATE INDEX` and `ALTER TABLE`:
//! session settings, transaction control, drops, maintenance and enum changes.

use sqlparser::tokenizer::Token;

use super::classify::{Action, Cursor};

/// What follows `CREATE [OR REPLACE] [TEMP…]` when it is neither a table nor an index.
pub(super) fn create_other(mut c: Cursor<'_>) -> Vec<Action> {
    if c.eat_all(&["MATERIALIZED", "VIEW"]) {
        c.eat_all(&["IF", "NOT", "EXISTS"]);
        if let Some(name) = c.name() {
            return vec![
                Action::Name { name: name.clone() },
                Action::CreateRelation { name },
            ];
        }
    }
    if c.eat("DOMAIN")
        && let Some(domain) = c.name()
    {
        // The tokens carry no whitespace (`crate::scan`).
        let rest = c.rest();
        let constrained = rest.iter().enumerate().any(|(i, t)| {
            crate::scan::is_keyword(t, "CHECK")
                || crate::scan::is_keyword(t, "CONSTRAINT")
                || (crate::scan::is_keyword(t, "NOT")
                    && rest
                        .get(i + 1)
                        .is_some_and(|t| crate::scan::is_keyword(t, "NULL")))
        });
        if constrained {
            return vec![Action::DomainConstraint {
                domain,
                created: true,
            }];
        }
    }
    Vec::new()
}

/// Every other statement the rules look at.
pub(super) fn other(mut c: Cursor<'_>) -> Vec<Action> {
    let action = if c.eat("SET") {
        let _ = c.eat("SESSION") || c.eat("LOCAL") || c.eat("GLOBAL");
        timeout(c.name().as_deref())
    } else if c.eat("SELECT") && c.name().as_deref() == Some("set_config") {
        c.rest().iter().find_map(|t| match t {
            Token::SingleQuotedString(setting) => timeout(Some(&setting.to_ascii_lowercase())),
            _ => None,
        })
    } else if c.eat("BEGIN") || c.eat_all(&["START", "TRANSACTION"]) {
        // MariaDB's anonymous block `BEGIN NOT ATOMIC … END` is one statement, not a
        // transaction.
        (!c.is_kw("NOT")).then_some(Action::Begin)
    } else if c.eat("COMMIT") || c.eat("END") || c.eat("ROLLBACK") {
        Some(Action::Commit)
    } else if c.eat("TRUNCATE") {
        Some(Action::Truncate {
            cascade: c
                .rest()
                .iter()
                .any(|t| crate::scan::is_keyword(t, "CASCADE")),
        })
    } else if c.eat("DROP") {
        drop(c)
    } else if c.eat("REINDEX") {
        if c.peek() == Some(&Token::LParen) {
            c.group();
        }
        let concurrently = c
            .rest()
            .iter()
            .any(|t| crate::scan::is_keyword(t, "CONCURRENTLY"));
        Some(Action::Reindex { concurrently })
    } else if c.eat("VACUUM") {
        let full = match c.peek() {
            Some(Token::LParen) => c.group().iter().any(|t| crate::scan::is_keyword(t, "FULL")),
            _ => c.eat("FULL"),
        };
        full.then(|| Action::Rewrite {
            what: "VACUUM FULL".into(),
        })
    } else if c.eat("CLUSTER") {
        Some(Action::Rewrite {
            what: "CLUSTER".into(),
        })
    } else if c.eat_all(&["ALTER", "TYPE"]) {
        let ty = c.name().unwrap_or_default();
        c.eat_all(&["ADD", "VALUE"]).then(|| Action::AddEnumValue {
            ty,
            positioned: c.rest().iter().any(|t| {
                crate::scan::is_keyword(t, "BEFORE") || crate::scan::is_keyword(t, "AFTER")
            }),
        })
    } else if c.eat_all(&["ALTER", "DOMAIN"]) {
        let domain = c.name().unwrap_or_default();
        c.eat_all(&["ADD"]).then_some(Action::DomainConstraint {
            domain,
            created: false,
        })
    } else if c.eat("PRAGMA") {
        c.name().map(|name| Action::Pragma { name })
    } else {
        None
    };
    action.into_iter().collect()
}

/// The action of setting `name`, when it is a lock or statement timeout.
fn timeout(name: Option<&str>) -> Option<Action> {
    match name? {
        "lock_timeout" | "lock_wait_timeout" => Some(Action::SetTimeout { lock: true }),
        "statement_timeout" | "max_execution_time" => Some(Action::SetTimeout { lock: false }),
        _ => None,
    }
}

/// What follows `DROP` when it is not `DROP TABLE`.
fn drop(mut c: Cursor<'_>) -> Option<Action> {
    if c.eat("DATABASE") {
        c.eat_all(&["IF", "EXISTS"]);
        return Some(Action::DropDatabase {
            name: c.name().unwrap_or_default(),
        });
    }
    if c.eat("INDEX") {
        let concurrently = c.eat("CONCURRENTLY");
        c.eat_all(&["IF", "EXISTS"]);
        return Some(Action::DropIndex {
            index: c.name().unwrap_or_default(),
            concurrently,
        });
    }
    None
}
