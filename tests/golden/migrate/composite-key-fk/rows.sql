INSERT INTO items (org, code, name) VALUES (1, 'a', 'Anvil'), (1, 'b', 'Bell'),
    (2, 'a', 'Axe');
INSERT INTO orders (order_id, org, code) VALUES (10, 1, 'a'), (11, 2, 'a'),
    (12, 1, 'b');
