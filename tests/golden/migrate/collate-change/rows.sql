INSERT INTO customers (name, email) VALUES ('Zoe', 'z@x.de'), ('adam', 'a@x.de'), ('_x', 'u@x.de');
