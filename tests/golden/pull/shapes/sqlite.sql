-- A SQLite database in the shapes other tools leave: no STRICT, declared
-- types of their own, values kept as text, as Unix time, as REAL and as
-- hex, a table without a primary key, quoted names, a deferred reference,
-- partial and expression indexes, a view and a trigger.
CREATE TABLE films (
    id         INTEGER PRIMARY KEY,
    title      VARCHAR(255) NOT NULL,
    rating     TEXT NOT NULL DEFAULT 'G'
               CHECK (rating IN ('G', 'PG', 'PG-13', 'R', 'NC-17')),
    released   DATETIME,
    updated_at TIMESTAMP,
    created    DATE,
    price      NUMERIC(10,2),
    code       CHAR(32),
    active     BOOLEAN NOT NULL DEFAULT 1
);
CREATE TABLE "Order Lines" (
    film_id      INTEGER NOT NULL REFERENCES films (id)
                 DEFERRABLE INITIALLY DEFERRED,
    "Unit Price" INTEGER NOT NULL,
    note         TEXT
);
CREATE UNIQUE INDEX films_code ON films (code) WHERE code IS NOT NULL;
CREATE INDEX films_lower_title ON films (lower(title));
CREATE INDEX films_active_title ON films (title) WHERE active = 1;
CREATE VIEW recent_films AS
    SELECT id, title FROM films WHERE released > '2020-01-01';
CREATE TRIGGER films_touch AFTER UPDATE OF title ON films
BEGIN
    UPDATE films SET updated_at = CAST(strftime('%s', 'now') AS INTEGER)
        WHERE id = new.id;
END;
INSERT INTO films VALUES (1, 'Alien', 'R', '1979-05-25 00:00:00', 1700000000,
    NULL, 9.99, '0123456789abcdef0123456789abcdef', 1);
INSERT INTO films VALUES (2, 'Up', 'PG', '2009-05-29 12:30:00.250000', NULL,
    NULL, 12.5, 'fedcba9876543210fedcba9876543210', 0);
INSERT INTO "Order Lines" VALUES (1, 1250, 'first');
