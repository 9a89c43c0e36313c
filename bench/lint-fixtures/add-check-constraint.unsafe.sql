-- squawk: constraint-missing-not-valid | aludel: add-check-constraint
ALTER TABLE orders ADD CONSTRAINT orders_quantity_positive CHECK (quantity > 0);
