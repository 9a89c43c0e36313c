-- squawk: adding-field-with-default | aludel: add-column-rewrite
ALTER TABLE orders ADD COLUMN total_cents bigint GENERATED ALWAYS AS (quantity * price_cents) STORED;
