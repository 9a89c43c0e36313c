-- safe
-- transactional = false
SET lock_timeout = '2s';
SET statement_timeout = '5s';
DROP INDEX CONCURRENTLY IF EXISTS accounts_email_idx;
