INSERT INTO customers (id, email) VALUES (1, 'a@shop.test'), (2, 'b@shop.test');
INSERT INTO orders (customer_id, email, state) VALUES (1, 'a@shop.test', 'paid'), (2, NULL, 'open');
INSERT INTO categories (id, parent_id) VALUES (1, NULL), (2, 1);
INSERT INTO notes (body) VALUES ('kept');
