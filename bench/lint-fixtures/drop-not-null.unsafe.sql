-- squawk: ban-drop-not-null | aludel: drop-not-null
ALTER TABLE accounts ALTER COLUMN email DROP NOT NULL;
