-- squawk: renaming-table | aludel: rename-table
ALTER TABLE accounts RENAME TO customers;
