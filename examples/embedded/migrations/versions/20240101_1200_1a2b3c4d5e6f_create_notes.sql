-- message = "Create notes"
-- revision = "1a2b3c4d5e6f"
-- down_revision = ""
-- branch_labels = []
-- depends_on = []
-- create_date = "2024-01-01 12:00:00"

-- migrate:upgrade
CREATE TABLE notes (
    id INTEGER NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (id)
);

-- migrate:downgrade
DROP TABLE notes;
