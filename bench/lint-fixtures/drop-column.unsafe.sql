-- squawk: ban-drop-column | aludel: drop-column
ALTER TABLE accounts DROP COLUMN legacy_code;
