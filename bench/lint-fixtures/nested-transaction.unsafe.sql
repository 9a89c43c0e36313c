-- squawk: transaction-nesting | aludel: nested-transaction
BEGIN;
SET LOCAL lock_timeout = '2s';
SET LOCAL statement_timeout = '5s';
ALTER TABLE accounts ADD COLUMN nickname text;
COMMIT;
