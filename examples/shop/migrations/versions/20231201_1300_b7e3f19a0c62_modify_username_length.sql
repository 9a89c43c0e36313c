-- message = "Modify username length"
-- revision = "b7e3f19a0c62"
-- down_revision = "8c41d0e7a2b5"
-- create_date = "2023-12-01 13:00:00"

-- SQLite cannot change a column's type in place: the table is rebuilt as SQLite's
-- documentation prescribes (create, copy, drop, rename), indexes recreated.
-- migrate:upgrade
CREATE TABLE users_new (
    id INTEGER NOT NULL,
    username VARCHAR(100) NOT NULL,
    email VARCHAR(100) NOT NULL,
    full_name VARCHAR(100),
    is_active BOOLEAN,
    created_at TIMESTAMP,
    updated_at TIMESTAMP,
    PRIMARY KEY (id)
);
INSERT INTO users_new SELECT id, username, email, full_name, is_active, created_at, updated_at FROM users;
-- aludel:lint-ignore drop-table
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;
CREATE UNIQUE INDEX ix_users_email ON users (email);
CREATE INDEX ix_users_id ON users (id);
CREATE UNIQUE INDEX ix_users_username ON users (username);

-- migrate:downgrade
CREATE TABLE users_old (
    id INTEGER NOT NULL,
    username VARCHAR(50) NOT NULL,
    email VARCHAR(100) NOT NULL,
    full_name VARCHAR(100),
    is_active BOOLEAN,
    created_at TIMESTAMP,
    updated_at TIMESTAMP,
    PRIMARY KEY (id)
);
INSERT INTO users_old SELECT id, username, email, full_name, is_active, created_at, updated_at FROM users;
DROP TABLE users;
ALTER TABLE users_old RENAME TO users;
CREATE UNIQUE INDEX ix_users_email ON users (email);
CREATE INDEX ix_users_id ON users (id);
CREATE UNIQUE INDEX ix_users_username ON users (username);
