//! Table-level details PostgreSQL keeps that autogenerate once dropped silently: exclusion
//! constraints, what an index states after its key list, foreign keys' MATCH and deferral,
//! identity options. Each a round trip through the real binary (see `postgres_objects.rs`):
//! `check` clean after the migration, `pg_dump --schema-only` and the catalog equal to the
//! models loaded by psql, up and down. Without a server the tests print a notice and pass,
//! unless `ALUDEL_REQUIRE_SERVERS=1`.

mod support;

use support::Kind;
use support::corpus::round_trip;

/// One test per case: `before` and `after` model texts.
macro_rules! detail {
    ($name:ident, $before:expr, $after:expr) => {
        #[test]
        fn $name() {
            round_trip(Kind::Postgres, stringify!($name), $before, $after);
        }
    };
}

const BOOKING: &str = "CREATE TABLE booking (id bigint PRIMARY KEY, room int NOT NULL, \
    during tsrange NOT NULL, note text);";

detail!(
    exclusion_constraint_added,
    BOOKING,
    "CREATE EXTENSION IF NOT EXISTS btree_gist;
     CREATE TABLE booking (id bigint PRIMARY KEY, room int NOT NULL, during tsrange NOT NULL, note text,
       CONSTRAINT no_overlap EXCLUDE USING gist (room WITH =, during WITH &&));
     COMMENT ON CONSTRAINT no_overlap ON booking IS 'one booking per room at a time';"
);

detail!(
    exclusion_constraint_changed,
    "CREATE TABLE booking (id bigint PRIMARY KEY, room int NOT NULL, during tsrange NOT NULL,
       CONSTRAINT no_overlap EXCLUDE USING gist (during WITH &&));",
    "CREATE TABLE booking (id bigint PRIMARY KEY, room int NOT NULL, during tsrange NOT NULL,
       CONSTRAINT no_overlap EXCLUDE USING gist (during WITH &&) WHERE (room > 0));"
);

detail!(
    exclusion_constraint_with_a_new_table,
    "",
    "CREATE TABLE booking (id bigint PRIMARY KEY, during tsrange NOT NULL,
       CONSTRAINT no_overlap EXCLUDE USING gist (during WITH &&));"
);

detail!(
    index_include_columns,
    "CREATE TABLE booking (id bigint PRIMARY KEY, room int NOT NULL, note text);
     CREATE INDEX booking_room ON booking (room);",
    "CREATE TABLE booking (id bigint PRIMARY KEY, room int NOT NULL, note text);
     CREATE INDEX booking_room ON booking (room) INCLUDE (note);"
);

detail!(
    index_nulls_not_distinct_and_storage_parameters,
    "CREATE TABLE booking (id bigint PRIMARY KEY, room int, note text);
     CREATE UNIQUE INDEX booking_room ON booking (room);",
    "CREATE TABLE booking (id bigint PRIMARY KEY, room int, note text);
     CREATE UNIQUE INDEX booking_room ON booking (room) NULLS NOT DISTINCT WITH (fillfactor = 70);"
);

detail!(
    index_order_collation_and_operator_class,
    "CREATE TABLE booking (id bigint PRIMARY KEY, room int, note text);
     CREATE INDEX booking_note ON booking (note, room);",
    "CREATE TABLE booking (id bigint PRIMARY KEY, room int, note text);
     CREATE INDEX booking_note ON booking (note COLLATE \"C\" text_pattern_ops, room DESC NULLS LAST);"
);

detail!(
    foreign_key_deferrable_initially_deferred,
    "CREATE TABLE booking (id bigint PRIMARY KEY);
     CREATE TABLE r (id int PRIMARY KEY, b bigint REFERENCES booking(id));",
    "CREATE TABLE booking (id bigint PRIMARY KEY);
     CREATE TABLE r (id int PRIMARY KEY, b bigint REFERENCES booking(id) DEFERRABLE INITIALLY DEFERRED);"
);

detail!(
    foreign_key_match_full_deferrable,
    "CREATE TABLE booking (id bigint PRIMARY KEY);
     CREATE TABLE r (id int PRIMARY KEY, b bigint REFERENCES booking(id) ON DELETE CASCADE);",
    "CREATE TABLE booking (id bigint PRIMARY KEY);
     CREATE TABLE r (id int PRIMARY KEY, b bigint REFERENCES booking(id) MATCH FULL ON DELETE CASCADE DEFERRABLE);"
);
