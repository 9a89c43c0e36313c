-- squawk: ban-drop-table | aludel: drop-table
DROP TABLE legacy_accounts;
