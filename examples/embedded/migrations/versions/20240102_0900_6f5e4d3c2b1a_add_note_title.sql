-- message = "Add note title"
-- revision = "6f5e4d3c2b1a"
-- down_revision = "1a2b3c4d5e6f"
-- branch_labels = []
-- depends_on = []
-- create_date = "2024-01-02 09:00:00"

-- migrate:upgrade
ALTER TABLE notes ADD COLUMN title TEXT NOT NULL DEFAULT '';

-- migrate:downgrade
ALTER TABLE notes DROP COLUMN title;
