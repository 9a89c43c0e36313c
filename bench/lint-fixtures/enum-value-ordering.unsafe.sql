-- squawk: require-enum-value-ordering | aludel: enum-value-position
SET lock_timeout = '2s';
SET statement_timeout = '5s';
ALTER TYPE mood ADD VALUE 'meh';
