INSERT INTO customers (email, referred_by) VALUES
    ('a@example.org', NULL), ('b@example.org', 'a@example.org');
INSERT INTO orders (customer_email, total) VALUES
    ('a@example.org', 10), ('b@example.org', 20), ('a@example.org', 30);
