INSERT INTO orders () VALUES ();
INSERT INTO orders () VALUES ();
