-- squawk: ban-uncommitted-transaction | aludel: uncommitted-transaction
-- transactional = false
BEGIN;
SET LOCAL lock_timeout = '2s';
SET LOCAL statement_timeout = '5s';
ALTER TABLE accounts ADD COLUMN nickname text;
