-- squawk: changing-column-type | aludel: change-column-type
ALTER TABLE accounts ALTER COLUMN balance TYPE numeric(20, 4);
