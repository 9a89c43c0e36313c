-- message = "Add user table"
-- revision = "3f2a9c1b7d4e"
-- down_revision = ""
-- branch_labels = []
-- depends_on = []
-- create_date = "2023-12-01 12:00:00"

-- migrate:upgrade
CREATE TABLE users (
    id INTEGER NOT NULL,
    username VARCHAR(50) NOT NULL,
    email VARCHAR(100) NOT NULL,
    full_name VARCHAR(100),
    is_active BOOLEAN,
    created_at TIMESTAMP,
    updated_at TIMESTAMP,
    PRIMARY KEY (id)
);
CREATE UNIQUE INDEX ix_users_email ON users (email);
CREATE INDEX ix_users_id ON users (id);
CREATE UNIQUE INDEX ix_users_username ON users (username);

-- migrate:downgrade
DROP INDEX ix_users_username;
DROP INDEX ix_users_id;
DROP INDEX ix_users_email;
DROP TABLE users;
