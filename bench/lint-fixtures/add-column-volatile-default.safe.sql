-- safe
SET lock_timeout = '2s';
SET statement_timeout = '5s';
ALTER TABLE accounts ADD COLUMN token uuid;
ALTER TABLE accounts ALTER COLUMN token SET DEFAULT gen_random_uuid();
