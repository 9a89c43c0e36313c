-- safe
SET lock_timeout = '2s';
SET statement_timeout = '5s';
ALTER TABLE accounts ADD COLUMN nickname text;
