-- A PostgreSQL database in the shapes other tools leave: an enum with
-- labels that are not names, domains, types the language lacks, its own
-- constraint and index names, a deferred reference, index methods,
-- operator classes, partial and expression indexes, views, a
-- materialized view, a function and a trigger, a partitioned table, and
-- comments on a table and a column.
CREATE TYPE rating AS ENUM ('G', 'PG', 'PG-13', 'R', 'NC-17');
CREATE DOMAIN positive_int AS integer CHECK (VALUE > 0);
CREATE TABLE films (
    id       serial PRIMARY KEY,
    title    varchar(255) NOT NULL,
    rating   rating NOT NULL DEFAULT 'PG-13',
    released timestamp,
    runtime  interval,
    tags     text[],
    search   tsvector,
    copies   positive_int,
    code     char(8),
    name     varchar,
    addr     inet,
    format   text CHECK (format IN ('dvd', 'blu-ray')),
    region   varchar(8) CHECK (region NOT IN ('xx', 'zz'))
);
CREATE TABLE "Order Lines" (
    film_id      integer NOT NULL,
    "Unit Price" numeric(10,2) NOT NULL,
    CONSTRAINT order_lines_film_fk FOREIGN KEY (film_id) REFERENCES films (id)
        DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX films_title_pattern ON films (title varchar_pattern_ops);
CREATE INDEX films_lower_title ON films (lower(title));
CREATE UNIQUE INDEX films_family_title ON films (title)
    WHERE rating <> 'NC-17';
CREATE INDEX films_tags ON films USING gin (tags);
CREATE VIEW family_films AS
    SELECT id, title FROM films WHERE rating IN ('G', 'PG');
CREATE MATERIALIZED VIEW film_counts AS
    SELECT rating, count(*) AS n FROM films GROUP BY rating;
CREATE INDEX film_counts_rating ON film_counts (rating);
CREATE FUNCTION touch_film() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.released := now();
    RETURN NEW;
END
$$;
CREATE TRIGGER films_touch BEFORE UPDATE ON films
    FOR EACH ROW EXECUTE FUNCTION touch_film();
CREATE TABLE measurements (
    city_id integer NOT NULL,
    logdate date NOT NULL,
    peak    integer
) PARTITION BY RANGE (logdate);
CREATE TABLE measurements_2023 PARTITION OF measurements
    FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
CREATE TABLE measurements_2024 PARTITION OF measurements
    FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE INDEX measurements_city ON measurements (city_id);
INSERT INTO films (title, rating, tags, addr)
    VALUES ('Alien', 'R', '{space,horror}', '10.0.0.1');
COMMENT ON TABLE films IS 'Every film the shop rents out.';
COMMENT ON COLUMN films.code IS 'The distributor''s code.';
