-- A MariaDB database another tool made (the way Django lays one out):
-- its own constraint and index names, its tables' default collation not
-- schemac's, a foreign key with an index of its own.
CREATE TABLE shop_customer (
    id int NOT NULL AUTO_INCREMENT PRIMARY KEY,
    email varchar(254) NOT NULL UNIQUE,
    name varchar(100) NOT NULL,
    is_active bool NOT NULL,
    joined datetime(6) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE TABLE shop_order (
    id bigint NOT NULL AUTO_INCREMENT PRIMARY KEY,
    customer_id int NOT NULL,
    placed datetime(6) NOT NULL,
    note longtext,
    CONSTRAINT shop_order_customer_id_fk FOREIGN KEY (customer_id)
        REFERENCES shop_customer (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE INDEX shop_order_customer_id_a1b2c3d4 ON shop_order (customer_id);
INSERT INTO shop_customer (email, name, is_active, joined)
    VALUES ('ada@example.org', 'Ada', true, '2021-03-04 05:06:07');
INSERT INTO shop_order (customer_id, placed)
    VALUES (1, '2021-03-05 10:00:00');
