INSERT INTO items (name, qty, spare) VALUES ('bolt', 10, NULL), ('nut', 250, 3);
