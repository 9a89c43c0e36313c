-- squawk: disallowed-unique-constraint | aludel: add-unique-constraint
ALTER TABLE accounts ADD CONSTRAINT accounts_email_key UNIQUE (email);
