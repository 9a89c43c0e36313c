-- message = "Add user orders"
-- revision = "5e0c2f7b9a13"
-- down_revision = "d95a6b3e1f08"
-- create_date = "2023-12-01 15:00:00"

-- migrate:upgrade
ALTER TABLE orders ADD COLUMN user_id INTEGER REFERENCES users (id);
CREATE INDEX ix_orders_user_id ON orders (user_id);

-- migrate:downgrade
DROP INDEX ix_orders_user_id;
ALTER TABLE orders DROP COLUMN user_id;
