-- squawk: adding-required-field | aludel: add-not-null-column
ALTER TABLE accounts ADD COLUMN email text NOT NULL;
