-- The orders module; its foreign keys point at tables of the other modules.
CREATE TABLE orders (
    id INTEGER NOT NULL,
    product_id INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    quantity INTEGER NOT NULL DEFAULT 1,
    user_id INTEGER REFERENCES users (id),
    PRIMARY KEY (id)
);
CREATE INDEX ix_orders_user_id ON orders (user_id);
