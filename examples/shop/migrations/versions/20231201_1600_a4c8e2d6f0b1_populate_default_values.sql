-- message = "Populate default values"
-- revision = "a4c8e2d6f0b1"
-- down_revision = "5e0c2f7b9a13"
-- create_date = "2023-12-01 16:00:00"

-- migrate:upgrade
-- Batched: re-run until no row changes, each run its own short transaction.
-- migrate:batch
UPDATE users SET is_active = TRUE
WHERE id IN (SELECT id FROM users WHERE is_active IS NULL LIMIT 1000);

-- migrate:downgrade
UPDATE users SET is_active = NULL WHERE is_active = TRUE;
