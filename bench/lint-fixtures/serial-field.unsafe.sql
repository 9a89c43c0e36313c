-- squawk: prefer-identity | aludel: prefer-identity
CREATE TABLE tags (id bigserial PRIMARY KEY, name text NOT NULL);
