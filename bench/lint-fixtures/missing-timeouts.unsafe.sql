-- squawk: require-timeout-settings | aludel: missing-lock-timeout
ALTER TABLE accounts ADD COLUMN nickname text;
