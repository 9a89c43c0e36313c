//! The public sample schemas of `../shared/corpora` as model files, through the real binary:
//! from an empty database to each sample by autogenerate, then a dozen edits of each, every
//! step compared with the sample loaded by the database's own client (dump and catalog). One
//! module per dialect. Without `../shared/corpora` a plain `cargo test` prints a notice and
//! skips this suite; with `ALUDEL_REQUIRE_SERVERS=1` its absence fails.

mod support;

mod sqlite {
    use crate::support::corpus::{Edit, corpus, run_corpus};
    use crate::support::{Kind, TestDb};

    const CHINOOK: &str = "chinook-schema.sqlite.sql";

    /// Edits of Chinook, one after the other: each a change a user makes to the model file.
    const CHINOOK_EDITS: &[Edit] = &[
        Edit {
            name: "a view over three tables",
            find: "",
            replace: "CREATE VIEW [AlbumTracks] AS\n    SELECT al.[Title] AS Album, ar.[Name] AS Artist, t.[Name] AS Track, t.[UnitPrice]\n    FROM [Track] t\n    JOIN [Album] al ON al.[AlbumId] = t.[AlbumId]\n    JOIN [Artist] ar ON ar.[ArtistId] = al.[ArtistId];",
        },
        Edit {
            name: "a column type used by the view",
            find: "[Name] NVARCHAR(200)  NOT NULL",
            replace: "[Name] NVARCHAR(250)  NOT NULL",
        },
        Edit {
            name: "an audit table and the trigger filling it",
            find: "",
            replace: "CREATE TABLE [InvoiceAudit]\n(\n    [AuditId] INTEGER PRIMARY KEY AUTOINCREMENT,\n    [InvoiceId] INTEGER NOT NULL,\n    [Total] NUMERIC(10,2),\n    [ChangedAt] DATETIME DEFAULT CURRENT_TIMESTAMP\n);\nCREATE TRIGGER [InvoiceTotalChanged] AFTER UPDATE OF [Total] ON [Invoice]\nBEGIN\n    INSERT INTO [InvoiceAudit] ([InvoiceId], [Total]) VALUES (new.[InvoiceId], new.[Total]);\nEND;",
        },
        Edit {
            name: "a view of the invoices per customer",
            find: "",
            replace: "CREATE VIEW [CustomerSpend] AS\n    SELECT c.[CustomerId], c.[LastName], sum(i.[Total]) AS Spent\n    FROM [Customer] c JOIN [Invoice] i ON i.[CustomerId] = c.[CustomerId]\n    GROUP BY c.[CustomerId];",
        },
        Edit {
            name: "a CHECK rebuilding a table with a trigger and a view",
            find: "[Total] NUMERIC(10,2)  NOT NULL,",
            replace: "[Total] NUMERIC(10,2)  NOT NULL CHECK ([Total] >= 0),",
        },
        Edit {
            name: "a foreign-key action",
            find: "REFERENCES [Invoice] ([InvoiceId]) \n\t\tON DELETE NO ACTION",
            replace: "REFERENCES [Invoice] ([InvoiceId]) \n\t\tON DELETE CASCADE",
        },
        Edit {
            name: "a view on a view",
            find: "",
            replace: "CREATE VIEW [TopArtists] AS SELECT Artist, count(*) AS Tracks FROM [AlbumTracks] GROUP BY Artist;",
        },
        Edit {
            name: "a column dropped from a table under a view",
            find: "    [Fax] NVARCHAR(24),\n    [Email] NVARCHAR(60)  NOT NULL,",
            replace: "    [Email] NVARCHAR(60)  NOT NULL,",
        },
        Edit {
            name: "a column added to a table under two views",
            find: "[UnitPrice] NUMERIC(10,2)  NOT NULL,\n    CONSTRAINT [PK_Track]",
            replace: "[UnitPrice] NUMERIC(10,2)  NOT NULL,\n    [Explicit] BOOLEAN NOT NULL DEFAULT 0,\n    CONSTRAINT [PK_Track]",
        },
        Edit {
            name: "a trigger body changed",
            find: "VALUES (new.[InvoiceId], new.[Total]);",
            replace: "VALUES (new.[InvoiceId], new.[Total] - old.[Total]);",
        },
        Edit {
            name: "WITHOUT ROWID on the join table",
            find: "ON UPDATE NO ACTION\n);\n\nCREATE TABLE [Track]",
            replace: "ON UPDATE NO ACTION\n) WITHOUT ROWID;\n\nCREATE TABLE [Track]",
        },
        Edit {
            name: "an expression index, and the view on a view dropped",
            find: "CREATE VIEW [TopArtists] AS SELECT Artist, count(*) AS Tracks FROM [AlbumTracks] GROUP BY Artist;",
            replace: "CREATE INDEX [IX_CustomerEmail] ON [Customer] (lower([Email]));",
        },
        Edit {
            name: "a composite primary key",
            find: "CONSTRAINT [PK_InvoiceLine] PRIMARY KEY  ([InvoiceLineId]),",
            replace: "CONSTRAINT [PK_InvoiceLine] PRIMARY KEY  ([InvoiceLineId], [InvoiceId]),",
        },
    ];

    #[test]
    fn chinook() {
        let Some(model) = corpus(CHINOOK) else {
            return;
        };
        run_corpus(Kind::Sqlite, "chinook_sqlite", &model, CHINOOK_EDITS);
    }

    /// What `sqlite3 .schema` and `.dump` print of Chinook after every edit (views, a trigger,
    /// the `sqlite_sequence` of AUTOINCREMENT, WITHOUT ROWID; rows and transaction control in
    /// `.dump`) is a model file like any other.
    #[test]
    fn chinook_as_sqlite3_schema_and_dump_output() {
        let Some(mut model) = corpus(CHINOOK) else {
            return;
        };
        for edit in CHINOOK_EDITS {
            model = edit.apply(&model);
        }
        let source = TestDb::new(Kind::Sqlite, "schema_output").unwrap();
        source.load_with_client(&model);
        source.load_with_client("INSERT INTO InvoiceAudit (InvoiceId, Total) VALUES (1, 2.5);");
        let printed = source.raw_dump();
        assert!(printed.contains("CREATE TABLE sqlite_sequence(name,seq);"));
        run_corpus(Kind::Sqlite, "chinook_schema_output", &printed, &[]);
        let dumped = std::process::Command::new("sqlite3")
            .arg(source.sqlite_path())
            .arg(".dump")
            .output()
            .unwrap();
        let dumped = String::from_utf8(dumped.stdout).unwrap();
        assert!(dumped.contains("BEGIN TRANSACTION;") && dumped.contains("sqlite_sequence"));
        run_corpus(Kind::Sqlite, "chinook_dump_output", &dumped, &[]);
    }
}

mod postgres {
    use crate::support::Kind;
    use crate::support::corpus::{Edit, corpus, run_corpus};

    /// Edits of Pagila: each a change a user makes to the model file, of a different kind.
    const PAGILA_EDITS: &[Edit] = &[
        Edit {
            name: "a column type used by two views",
            find: "    length smallint,",
            replace: "    length integer,",
        },
        Edit {
            name: "a new function and the trigger calling it",
            find: "",
            replace: "CREATE FUNCTION public.store_touched() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n    NEW.last_update = now();\n    RETURN NEW;\nEND $$;\nCREATE TRIGGER store_touched BEFORE INSERT ON public.store FOR EACH ROW EXECUTE FUNCTION public.store_touched();",
        },
        Edit {
            name: "a new partition",
            find: "",
            replace: "CREATE TABLE public.payment_p2026_08 PARTITION OF public.payment FOR VALUES FROM ('2026-08-01 00:00:00+00') TO ('2026-09-01 00:00:00+00');",
        },
        Edit {
            name: "an enum value",
            find: "    'NC-17'\n",
            replace: "    'NC-17',\n    'X'\n",
        },
        Edit {
            name: "a domain's check",
            find: "(VALUE <= 2155)",
            replace: "(VALUE <= 2200)",
        },
        Edit {
            name: "a view's query",
            find: "AS store,",
            replace: "AS store_name,",
        },
        Edit {
            name: "a function's body",
            find: "  RETURN v_customer_id;",
            replace: "  RETURN coalesce(v_customer_id, 0);",
        },
        Edit {
            name: "a sequence's start",
            find: "CREATE SEQUENCE public.actor_actor_id_seq\n    START WITH 1\n",
            replace: "CREATE SEQUENCE public.actor_actor_id_seq\n    START WITH 1000\n",
        },
        Edit {
            name: "a trigger removed",
            find: "CREATE TRIGGER last_updated BEFORE UPDATE ON public.store FOR EACH ROW EXECUTE FUNCTION public.last_updated();",
            replace: "",
        },
        Edit {
            name: "an extension and a trigram index using it",
            find: "",
            replace: "CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;\nCREATE INDEX film_title_trgm ON public.film USING gin (title public.gin_trgm_ops);",
        },
        Edit {
            name: "a table with an identity column, a CHECK IN list on varchar and a composite type",
            find: "",
            replace: "CREATE TYPE public.price AS (amount numeric(5,2), currency text);\nCREATE TABLE public.member (\n    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n    role character varying(10) NOT NULL CHECK (role IN ('owner','admin','member')),\n    fee public.price,\n    tags text[] DEFAULT ARRAY['a'::character varying, 'b'::character varying]::text[]\n);",
        },
        Edit {
            name: "a materialized view index, a comment and an aggregate",
            find: "",
            replace: "CREATE INDEX rental_by_category_sales ON public.rental_by_category USING btree (total_sales);\nCOMMENT ON VIEW public.actor_info IS 'actors and their films';\nCREATE AGGREGATE public.text_concat(text) (SFUNC = textcat, STYPE = text, INITCOND = '');",
        },
        Edit {
            name: "a procedure and a schema",
            find: "",
            replace: "CREATE SCHEMA reporting;\nCREATE PROCEDURE public.close_store(p_store integer) LANGUAGE sql AS $$ DELETE FROM public.inventory WHERE store_id = p_store $$;",
        },
        Edit {
            name: "a partition detached",
            find: "ALTER TABLE ONLY public.payment ATTACH PARTITION public.payment_p2026_07 FOR VALUES FROM ('2026-07-01 00:00:00+00') TO ('2026-08-01 00:00:00+00');",
            replace: "",
        },
    ];

    /// Edits of Chinook: each a change a user makes to the model file.
    const CHINOOK_EDITS: &[Edit] = &[
        Edit {
            name: "a view over two tables",
            find: "",
            replace: "CREATE VIEW album_tracks AS SELECT a.title, count(t.track_id) AS tracks FROM album a JOIN track t ON t.album_id = a.album_id GROUP BY a.title;",
        },
        Edit {
            name: "a column type used by the view",
            find: "    title VARCHAR(160) NOT NULL,\n    artist_id",
            replace: "    title VARCHAR(200) NOT NULL,\n    artist_id",
        },
        Edit {
            name: "a serial column, a standalone sequence and a CHECK IN list",
            find: "",
            replace: "CREATE SEQUENCE invoice_number START 1000;\nCREATE TABLE note (note_id serial PRIMARY KEY, kind VARCHAR(10) NOT NULL CHECK (kind IN ('info', 'warn')), number INT DEFAULT nextval('invoice_number'));",
        },
        Edit {
            name: "a function and the trigger calling it",
            find: "",
            replace: "CREATE FUNCTION note_kind_lower() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.kind := lower(NEW.kind); RETURN NEW; END $$;\nCREATE TRIGGER note_kind BEFORE INSERT OR UPDATE ON note FOR EACH ROW EXECUTE FUNCTION note_kind_lower();",
        },
        Edit {
            name: "an enum type and a domain used by a new column",
            find: "",
            replace: "CREATE TYPE media_class AS ENUM ('audio', 'video');\nCREATE DOMAIN positive_money AS NUMERIC(10,2) CHECK (VALUE > 0);\nALTER TABLE track ADD COLUMN class media_class DEFAULT 'audio', ADD COLUMN list_price positive_money;",
        },
        Edit {
            name: "an enum value added",
            find: "('audio', 'video')",
            replace: "('audio', 'video', 'podcast')",
        },
        Edit {
            name: "a partitioned table with two partitions",
            find: "",
            replace: "CREATE TABLE play (track_id INT NOT NULL, played_at DATE NOT NULL) PARTITION BY RANGE (played_at);\nCREATE TABLE play_2025 PARTITION OF play FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');\nCREATE TABLE play_2026 PARTITION OF play FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');\nCREATE INDEX play_track ON play (track_id);",
        },
        Edit {
            name: "a materialized view with an index",
            find: "",
            replace: "CREATE MATERIALIZED VIEW genre_tracks AS SELECT genre_id, count(*) AS n FROM track GROUP BY genre_id;\nCREATE UNIQUE INDEX genre_tracks_genre ON genre_tracks (genre_id);",
        },
        Edit {
            name: "the trigger's function changed",
            find: "NEW.kind := lower(NEW.kind);",
            replace: "NEW.kind := lower(trim(NEW.kind));",
        },
        Edit {
            name: "the domain's check changed",
            find: "CHECK (VALUE > 0)",
            replace: "CHECK (VALUE >= 0)",
        },
        Edit {
            name: "a column added to the view",
            find: "count(t.track_id) AS tracks",
            replace: "count(t.track_id) AS tracks, max(t.milliseconds) AS longest",
        },
        Edit {
            name: "the view removed",
            find: "CREATE VIEW album_tracks AS SELECT a.title, count(t.track_id) AS tracks, max(t.milliseconds) AS longest FROM album a JOIN track t ON t.album_id = a.album_id GROUP BY a.title;",
            replace: "",
        },
    ];

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
    use crate::support::corpus::{corpus, round_trip};
    use crate::support::dump::{assert_same_dump, normalise};
    use crate::support::{Kind, TestDb};

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

    /// Each sample loaded twice by its client dumps the same, and unlike an empty database.
    #[test]
    fn a_sample_loaded_twice_dumps_the_same() {
        let samples = [
            (Kind::Sqlite, "chinook-schema.sqlite.sql"),
            (Kind::Postgres, "chinook-schema.postgresql.sql"),
            (Kind::Postgres, "pagila-schema.postgresql.sql"),
            (Kind::MySql, "chinook-schema.mysql.sql"),
            (Kind::MySql, "sakila-schema.mysql.sql"),
        ];
        for (kind, file) in samples {
            let Some(sample) = corpus(file) else {
                return;
            };
            let (Some(a), Some(b)) = (TestDb::new(kind, "twice_a"), TestDb::new(kind, "twice_b"))
            else {
                continue;
            };
            let empty = a.dump();
            a.load_with_client(&sample);
            b.load_with_client(&sample);
            let dump = a.dump();
            assert_same_dump(&dump, &b.dump(), file, "");
            assert!(dump.0.len() > empty.0.len() + 10, "{file}: {dump:?}");
        }
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
