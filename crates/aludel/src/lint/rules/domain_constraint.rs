//! `domain-constraint` (warning, PostgreSQL): a domain given a constraint, by `CREATE DOMAIN
//! … CHECK | NOT NULL | CONSTRAINT` or by `ALTER DOMAIN … ADD CONSTRAINT`.
//!
//! A domain's constraint applies to every column of every table that uses the domain, and it
//! cannot be changed the way a column's can: adding one to an existing domain checks all
//! those columns' rows while holding locks on their tables (PostgreSQL has no concurrent
//! form), and relaxing or replacing one later means altering every such column. Safe form:
//! put `CHECK` and `NOT NULL` on the columns (with `NOT VALID` and a later `VALIDATE` on
//! existing tables), and keep domains to a plain type and default.

use super::{Action, Known, Level, Message, PG, Spec};

/// The rule.
pub(crate) const SPEC: Spec = Spec {
    id: "domain-constraint",
    level: Level::Warning,
    hint: "put CHECK / NOT NULL on the table columns instead of the domain",
    databases: PG,
    check,
};

fn check(action: &Action, _known: &Known) -> Option<Message> {
    let Action::DomainConstraint { domain, created } = action else {
        return None;
    };
    let what = if *created {
        format!("creates domain {domain} with a constraint")
    } else {
        format!("adds a constraint to domain {domain}, which every column using it must meet")
    };
    Some(Message::new(
        format!("{what}; domain constraints cannot be changed online"),
        None,
    ))
}

#[cfg(test)]
mod tests {
    use crate::config::Backend;

    #[test]
    fn findings() {
        insta::assert_snapshot!(super::super::snapshot::findings(
            "CREATE DOMAIN positive AS int CHECK (VALUE > 0);\n\
             CREATE DOMAIN required AS text NOT NULL;\n\
             CREATE DOMAIN named AS int CONSTRAINT named_ok CHECK (VALUE <> 0);\n\
             CREATE DOMAIN plain AS int DEFAULT 1;\n\
             CREATE DOMAIN maybe AS int NULL;\n\
             ALTER DOMAIN positive ADD CONSTRAINT small CHECK (VALUE < 100) NOT VALID;\n\
             ALTER DOMAIN positive DROP CONSTRAINT small;\n\
             ALTER DOMAIN positive SET DEFAULT 1;",
            Backend::Postgres,
        ));
    }
}
