-- squawk: require-concurrent-index-creation | aludel: create-index-non-concurrent
CREATE INDEX accounts_email_idx ON accounts (email);
