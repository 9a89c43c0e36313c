-- squawk: ban-char-field | aludel: char-type
CREATE TABLE countries (code char(2) NOT NULL, name text NOT NULL);
