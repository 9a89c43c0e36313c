-- squawk: adding-not-nullable-field | aludel: set-not-null
ALTER TABLE accounts ALTER COLUMN email SET NOT NULL;
