-- safe
SET lock_timeout = '2s';
SET statement_timeout = '5s';
CREATE DOMAIN positive_int AS int;
