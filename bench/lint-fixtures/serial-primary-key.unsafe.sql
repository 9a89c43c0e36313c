-- squawk: adding-serial-primary-key-field | aludel: add-unique-constraint
ALTER TABLE events ADD COLUMN id bigint;
ALTER TABLE events ADD PRIMARY KEY (id);
