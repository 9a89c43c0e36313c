-- message = "Add products and orders"
-- revision = "8c41d0e7a2b5"
-- down_revision = "3f2a9c1b7d4e"
-- branch_labels = []
-- depends_on = []
-- create_date = "2023-12-01 12:10:00"

-- migrate:upgrade
CREATE TABLE products (
    id INTEGER NOT NULL,
    name VARCHAR(200) NOT NULL,
    price_cents INTEGER NOT NULL CHECK (price_cents >= 0),
    PRIMARY KEY (id)
);
CREATE TABLE orders (
    id INTEGER NOT NULL,
    product_id INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    quantity INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (id)
);

-- migrate:downgrade
DROP TABLE orders;
DROP TABLE products;
