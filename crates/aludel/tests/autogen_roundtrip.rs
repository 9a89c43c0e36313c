//! Autogenerate round trips, each scenario written once and run on SQLite, PostgreSQL and
//! MariaDB: build schema A in a fresh database, generate the migration to the models B, upgrade,
//! check that nothing differs any more, downgrade, and check that the schema is A again (and
//! that seeded rows survived both ways).
//!
//! Servers: `postgresql://postgres@127.0.0.1:5432/postgres` and `mysql://root@127.0.0.1:3306/`.
//! When one is unreachable its tests print a notice and pass, unless `ALUDEL_REQUIRE_SERVERS=1`.

mod autogen_support;

use autogen_support::{Dialect, Scenario};

/// Defines one test per dialect for a scenario.
macro_rules! roundtrip {
    ($name:ident, $($dialect:ident),+ => $scenario:expr) => {
        mod $name {
            use super::*;
            $(
                #[tokio::test]
                async fn $dialect() {
                    let make: fn(Dialect) -> Scenario = $scenario;
                    let scenario = make(Dialect::$dialect);
                    scenario.run(Dialect::$dialect).await;
                }
            )+
        }
    };
}

roundtrip!(add_table, sqlite, postgres, mysql => |_| Scenario {
    a: "CREATE TABLE users (id INTEGER NOT NULL PRIMARY KEY, username VARCHAR(50) NOT NULL);",
    b: "CREATE TABLE users (id INTEGER NOT NULL PRIMARY KEY, username VARCHAR(50) NOT NULL);
        CREATE TABLE products (id INTEGER NOT NULL PRIMARY KEY, name VARCHAR(80) NOT NULL, price NUMERIC(10, 2));",
    seed: "INSERT INTO users (id, username) VALUES (1, 'ada');",
    expect: &["Detected added table 'products'"],
    ..Scenario::default()
});

roundtrip!(add_column, sqlite, postgres, mysql => |_| Scenario {
    a: "CREATE TABLE users (id INTEGER NOT NULL PRIMARY KEY, username VARCHAR(50) NOT NULL);",
    b: "CREATE TABLE users (id INTEGER NOT NULL PRIMARY KEY, username VARCHAR(50) NOT NULL, phone VARCHAR(20));",
    seed: "INSERT INTO users (id, username) VALUES (1, 'ada');",
    expect: &["Detected added column 'users.phone'"],
    ..Scenario::default()
});

roundtrip!(widen_varchar, sqlite, postgres, mysql => |_| Scenario {
    a: "CREATE TABLE users (id INTEGER NOT NULL PRIMARY KEY, username VARCHAR(50) NOT NULL);",
    b: "CREATE TABLE users (id INTEGER NOT NULL PRIMARY KEY, username VARCHAR(100) NOT NULL);",
    seed: "INSERT INTO users (id, username) VALUES (1, 'ada'), (2, 'grace');",
    expect: &["Detected type change from"],
    ..Scenario::default()
});

roundtrip!(add_indexes, sqlite, postgres, mysql => |d| Scenario {
    a: "CREATE TABLE users (id INTEGER NOT NULL PRIMARY KEY, email VARCHAR(100) NOT NULL, deleted INTEGER);",
    b: match d {
        Dialect::mysql => "CREATE TABLE users (id INTEGER NOT NULL PRIMARY KEY, email VARCHAR(100) NOT NULL, deleted INTEGER);
            CREATE UNIQUE INDEX ix_users_email ON users (email);
            CREATE INDEX ix_users_deleted ON users (deleted, email DESC);",
        _ => "CREATE TABLE users (id INTEGER NOT NULL PRIMARY KEY, email VARCHAR(100) NOT NULL, deleted INTEGER);
            CREATE UNIQUE INDEX ix_users_email ON users (email);
            CREATE INDEX ix_users_live ON users (email) WHERE deleted IS NULL;
            CREATE INDEX ix_users_lower ON users (lower(email));",
    },
    seed: "INSERT INTO users (id, email) VALUES (1, 'a@x');",
    expect: &["Detected added unique index 'ix_users_email' on 'users'"],
    ..Scenario::default()
});

roundtrip!(drop_index_and_column, sqlite, postgres, mysql => |_| Scenario {
    a: "CREATE TABLE users (id INTEGER NOT NULL PRIMARY KEY, email VARCHAR(100) NOT NULL, nick VARCHAR(20));
        CREATE INDEX ix_users_nick ON users (nick);",
    b: "CREATE TABLE users (id INTEGER NOT NULL PRIMARY KEY, email VARCHAR(100) NOT NULL);",
    seed: "INSERT INTO users (id, email, nick) VALUES (1, 'a@x', 'a');",
    expect: &["Detected removed index 'ix_users_nick' on 'users'", "Detected removed column 'users.nick'"],
    ..Scenario::default()
});

roundtrip!(add_foreign_key_cascade, sqlite, postgres, mysql => |_| Scenario {
    a: "CREATE TABLE users (id INTEGER NOT NULL PRIMARY KEY);
        CREATE TABLE orders (id INTEGER NOT NULL PRIMARY KEY, user_id INTEGER NOT NULL);",
    b: "CREATE TABLE users (id INTEGER NOT NULL PRIMARY KEY);
        CREATE TABLE orders (id INTEGER NOT NULL PRIMARY KEY, user_id INTEGER NOT NULL,
            CONSTRAINT fk_orders_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE);",
    seed: "INSERT INTO users (id) VALUES (1); INSERT INTO orders (id, user_id) VALUES (10, 1);",
    expect: &["Detected added foreign key (user_id)(id) on table orders, referencing users(id) ON DELETE CASCADE"],
    ..Scenario::default()
});

roundtrip!(foreign_key_to_later_file, sqlite, postgres, mysql => |_| Scenario {
    a: "",
    b_files: &[
        "CREATE TABLE orders (id INTEGER NOT NULL PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users (id));",
        "CREATE TABLE users (id INTEGER NOT NULL PRIMARY KEY);",
    ],
    expect: &["Detected added table 'orders'", "Detected added table 'users'"],
    ..Scenario::default()
});

roundtrip!(check_constraints, sqlite, postgres, mysql => |_| Scenario {
    a: "CREATE TABLE products (id INTEGER NOT NULL PRIMARY KEY, price INTEGER NOT NULL, stock INTEGER NOT NULL,
            CONSTRAINT ck_stock CHECK (stock >= 0));",
    b: "CREATE TABLE products (id INTEGER NOT NULL PRIMARY KEY, price INTEGER NOT NULL, stock INTEGER NOT NULL,
            CONSTRAINT ck_price CHECK (price > 0));",
    seed: "INSERT INTO products (id, price, stock) VALUES (1, 5, 3);",
    expect: &["Detected added check constraint 'ck_price'", "Detected removed check constraint 'ck_stock'"],
    ..Scenario::default()
});

roundtrip!(unique_constraints, sqlite, postgres, mysql => |d| Scenario {
    a: "CREATE TABLE users (id INTEGER NOT NULL PRIMARY KEY, email VARCHAR(100) NOT NULL, tenant INTEGER NOT NULL);",
    b: "CREATE TABLE users (id INTEGER NOT NULL PRIMARY KEY, email VARCHAR(100) NOT NULL, tenant INTEGER NOT NULL,
            CONSTRAINT uq_users_tenant_email UNIQUE (tenant, email));",
    seed: "INSERT INTO users (id, email, tenant) VALUES (1, 'a@x', 1);",
    // MySQL keeps a UNIQUE constraint as a unique index, and reports it so.
    expect: match d {
        Dialect::mysql => &["Detected added unique index 'uq_users_tenant_email' on 'users'"],
        _ => &["Detected added unique constraint"],
    },
    ..Scenario::default()
});

roundtrip!(defaults_and_nullability, sqlite, postgres, mysql => |_| Scenario {
    a: "CREATE TABLE users (id INTEGER NOT NULL PRIMARY KEY, status VARCHAR(20), score INTEGER NOT NULL DEFAULT 0);",
    b: "CREATE TABLE users (id INTEGER NOT NULL PRIMARY KEY, status VARCHAR(20) NOT NULL DEFAULT 'active', score INTEGER);",
    seed: "INSERT INTO users (id, status) VALUES (1, 'x');",
    expect: &["Detected NOT NULL on column 'users.status'", "Detected NULL on column 'users.score'"],
    ..Scenario::default()
});

roundtrip!(comments, postgres, mysql => |d| Scenario {
    a: "CREATE TABLE users (id INTEGER NOT NULL PRIMARY KEY, name VARCHAR(50));",
    b: match d {
        Dialect::mysql => "CREATE TABLE users (id INTEGER NOT NULL PRIMARY KEY, name VARCHAR(50) COMMENT 'full name') COMMENT='people';",
        _ => "CREATE TABLE users (id INTEGER NOT NULL PRIMARY KEY, name VARCHAR(50));
              COMMENT ON TABLE users IS 'people';
              COMMENT ON COLUMN users.name IS 'full name';",
    },
    expect: &["Detected changed table comment on 'users'", "Detected column comment 'users.name'"],
    ..Scenario::default()
});

roundtrip!(rename_hints, sqlite, postgres, mysql => |_| Scenario {
    a: "CREATE TABLE people (id INTEGER NOT NULL PRIMARY KEY, name VARCHAR(50));",
    b: "CREATE TABLE users (id INTEGER NOT NULL PRIMARY KEY, full_name VARCHAR(50));",
    renames: &["people:users", "users.name:full_name"],
    seed: "INSERT INTO people (id, name) VALUES (1, 'ada');",
    expect: &["Detected renamed table 'people' to 'users'", "Detected renamed column 'users.name' to 'users.full_name'"],
    ..Scenario::default()
});

roundtrip!(drop_and_add_without_hint, sqlite, postgres, mysql => |_| Scenario {
    a: "CREATE TABLE people (id INTEGER NOT NULL PRIMARY KEY);",
    b: "CREATE TABLE users (id INTEGER NOT NULL PRIMARY KEY);",
    expect: &["Detected added table 'users'", "Detected removed table 'people'"],
    warn: &["if this is a rename, pass --rename people:users"],
    ..Scenario::default()
});

roundtrip!(enum_add_value, postgres => |_| Scenario {
    a: "CREATE TYPE mood AS ENUM ('sad', 'happy');
        CREATE TABLE people (id INTEGER NOT NULL PRIMARY KEY, mood mood NOT NULL DEFAULT 'happy');",
    b: "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy', 'elated');
        CREATE TABLE people (id INTEGER NOT NULL PRIMARY KEY, mood mood NOT NULL DEFAULT 'happy');
        CREATE INDEX ix_people_glad ON people (id) WHERE mood <> 'sad';",
    seed: "INSERT INTO people (id, mood) VALUES (1, 'sad');",
    expect: &["Detected added value 'ok' to enum 'mood'", "Detected added value 'elated' to enum 'mood'"],
    ..Scenario::default()
});

roundtrip!(enum_remove_value, postgres => |_| Scenario {
    a: "CREATE TYPE mood AS ENUM ('sad', 'meh', 'happy');
        CREATE TABLE people (id INTEGER NOT NULL PRIMARY KEY, mood mood NOT NULL DEFAULT 'happy',
            CONSTRAINT ck_not_meh CHECK (mood <> 'meh'),
            CONSTRAINT ck_first_not_happy CHECK (mood <> 'happy' OR id > 1));
        CREATE INDEX ix_people_glad ON people (id) WHERE mood = 'happy';",
    b: "CREATE TYPE mood AS ENUM ('sad', 'happy');
        CREATE TABLE people (id INTEGER NOT NULL PRIMARY KEY, mood mood NOT NULL DEFAULT 'happy',
            CONSTRAINT ck_first_not_happy CHECK (mood <> 'happy' OR id > 1));
        CREATE INDEX ix_people_glad ON people (id) WHERE mood = 'happy';",
    seed: "INSERT INTO people (id, mood) VALUES (1, 'sad'), (2, 'happy');",
    expect: &["Detected removed value 'meh' from enum 'mood'", "Detected removed check constraint 'ck_not_meh'"],
    warn: &["removing value 'meh' from enum 'mood'"],
    ..Scenario::default()
});

roundtrip!(create_enum_and_serial, postgres => |_| Scenario {
    a: "",
    b: "CREATE TYPE status AS ENUM ('new', 'paid');
        CREATE TABLE invoices (id SERIAL PRIMARY KEY, n BIGINT GENERATED ALWAYS AS IDENTITY,
            status status NOT NULL DEFAULT 'new', created_at TIMESTAMPTZ NOT NULL DEFAULT now());",
    expect: &["Detected added enum 'status'", "Detected added table 'invoices'"],
    ..Scenario::default()
});

roundtrip!(table_options, mysql => |_| Scenario {
    a: "CREATE TABLE logs (id INTEGER NOT NULL PRIMARY KEY, msg VARCHAR(100)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;",
    b: "CREATE TABLE logs (id INTEGER NOT NULL PRIMARY KEY, msg VARCHAR(100)) ENGINE=MyISAM DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci;",
    seed: "INSERT INTO logs (id, msg) VALUES (1, 'x');",
    expect: &["Detected table options change on 'logs'"],
    ..Scenario::default()
});

roundtrip!(auto_increment, sqlite, mysql => |d| Scenario {
    a: "",
    b: match d {
        Dialect::mysql => "CREATE TABLE t (id INTEGER NOT NULL AUTO_INCREMENT PRIMARY KEY, v TEXT);",
        _ => "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT);",
    },
    expect: &["Detected added table 't'"],
    ..Scenario::default()
});

roundtrip!(realistic_schema_from_scratch, sqlite, postgres, mysql => |_| Scenario {
    a: "",
    b_owned: Some(autogen_support::realistic_schema(45)),
    expect: &["Detected added table 'table_00'", "Detected added table 'table_44'"],
    ..Scenario::default()
});

roundtrip!(realistic_schema_changes, sqlite, postgres, mysql => |_| Scenario {
    a_owned: Some(autogen_support::realistic_schema(42)),
    b_owned: Some(autogen_support::realistic_schema_changed(42)),
    seed_owned: Some(autogen_support::realistic_seed(42)),
    expect: &["Detected added column 'table_03.extra'", "Detected removed table 'table_41'"],
    ..Scenario::default()
});

// Issue 8: from a numbered `id` key to a key on another column, the old key was dropped after
// its column (`constraint t_pkey ... does not exist`) and the downgrade added the key before
// the column.
roundtrip!(primary_key_moves_off_a_numbered_id, sqlite, postgres, mysql => |dialect| Scenario {
    a_owned: Some(format!(
        "CREATE TABLE items (id {}, code VARCHAR(20) NOT NULL, name VARCHAR(50));",
        match dialect {
            Dialect::sqlite => "INTEGER PRIMARY KEY AUTOINCREMENT",
            Dialect::postgres => "SERIAL PRIMARY KEY",
            Dialect::mysql => "INTEGER NOT NULL AUTO_INCREMENT PRIMARY KEY",
        }
    )),
    b: "CREATE TABLE items (code VARCHAR(20) NOT NULL PRIMARY KEY, name VARCHAR(50));",
    seed: "INSERT INTO items (code, name) VALUES ('a', 'one'); INSERT INTO items (code, name) VALUES ('b', 'two');",
    expect: &["Detected removed primary key (id) on 'items'", "Detected added primary key (code) on 'items'", "Detected removed column 'items.id'"],
    ..Scenario::default()
});
