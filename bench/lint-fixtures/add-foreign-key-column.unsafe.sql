-- squawk: adding-foreign-key-constraint | aludel: add-foreign-key
ALTER TABLE orders ADD COLUMN coupon_id bigint REFERENCES coupons (id);
