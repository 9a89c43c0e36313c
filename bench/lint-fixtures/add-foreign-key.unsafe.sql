-- squawk: adding-foreign-key-constraint | aludel: add-foreign-key
ALTER TABLE orders ADD CONSTRAINT orders_account_fk FOREIGN KEY (account_id) REFERENCES accounts (id);
