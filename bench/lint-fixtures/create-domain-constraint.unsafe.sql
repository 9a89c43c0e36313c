-- squawk: ban-create-domain-with-constraint | aludel: domain-constraint
SET lock_timeout = '2s';
SET statement_timeout = '5s';
CREATE DOMAIN positive_int AS int CHECK (VALUE > 0);
