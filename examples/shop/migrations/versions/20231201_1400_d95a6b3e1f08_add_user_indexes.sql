-- message = "Add user indexes"
-- revision = "d95a6b3e1f08"
-- down_revision = "b7e3f19a0c62"
-- create_date = "2023-12-01 14:00:00"

-- migrate:upgrade
CREATE INDEX ix_users_created_at ON users (created_at);

-- migrate:downgrade
DROP INDEX ix_users_created_at;
