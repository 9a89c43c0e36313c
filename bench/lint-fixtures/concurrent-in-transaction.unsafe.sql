-- squawk: ban-concurrent-index-creation-in-transaction | aludel: concurrent-in-transaction
SET lock_timeout = '2s';
SET statement_timeout = '5s';
CREATE INDEX CONCURRENTLY accounts_email_idx ON accounts (email);
