-- squawk: renaming-column | aludel: rename-column
ALTER TABLE accounts RENAME COLUMN email TO email_address;
