-- The products module.
CREATE TABLE products (
    id INTEGER NOT NULL,
    name VARCHAR(200) NOT NULL,
    price_cents INTEGER NOT NULL CHECK (price_cents >= 0),
    PRIMARY KEY (id)
);
