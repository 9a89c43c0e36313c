-- safe
-- transactional = false
SET lock_timeout = '2s';
SET statement_timeout = '5s';
CREATE UNIQUE INDEX CONCURRENTLY accounts_email_idx ON accounts (email);
ALTER TABLE accounts ADD CONSTRAINT accounts_email_key UNIQUE USING INDEX accounts_email_idx;
