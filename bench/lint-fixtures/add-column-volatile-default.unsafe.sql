-- squawk: adding-field-with-default | aludel: add-column-rewrite
ALTER TABLE accounts ADD COLUMN token uuid DEFAULT gen_random_uuid();
