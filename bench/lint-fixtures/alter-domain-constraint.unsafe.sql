-- squawk: ban-alter-domain-with-add-constraint | aludel: domain-constraint
SET lock_timeout = '2s';
SET statement_timeout = '5s';
ALTER DOMAIN positive_int ADD CONSTRAINT positive_int_small CHECK (VALUE < 1000);
