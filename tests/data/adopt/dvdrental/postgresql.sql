-- A DVD rental store in the shape of the Sakila/pagila sample: an enum
-- with labels that are not identifiers, a domain with a check, text[],
-- a tsvector kept by a trigger and searched through a gin index, a
-- trigger function, a view, a set-returning function, timestamp without
-- time zone defaulting to now(), numeric(4,2) and numeric(5,2), and a
-- payment table partitioned by month.
CREATE TYPE mpaa_rating AS ENUM ('G', 'PG', 'PG-13', 'R', 'NC-17');

CREATE DOMAIN year AS integer
    CONSTRAINT year_check CHECK (VALUE >= 1901 AND VALUE <= 2155);

CREATE FUNCTION last_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.last_update = CURRENT_TIMESTAMP;
    RETURN NEW;
END
$$;

CREATE TABLE language (
    language_id serial PRIMARY KEY,
    name        character(20) NOT NULL,
    last_update timestamp without time zone NOT NULL DEFAULT now()
);

CREATE TABLE actor (
    actor_id    serial PRIMARY KEY,
    first_name  text NOT NULL,
    last_name   text NOT NULL,
    last_update timestamp without time zone NOT NULL DEFAULT now()
);
CREATE INDEX idx_actor_last_name ON actor (last_name);
CREATE TRIGGER last_updated BEFORE UPDATE ON actor
    FOR EACH ROW EXECUTE FUNCTION last_updated();

CREATE TABLE film (
    film_id          serial PRIMARY KEY,
    title            text NOT NULL,
    description      text,
    release_year     year,
    language_id      integer NOT NULL REFERENCES language (language_id)
                     ON UPDATE CASCADE ON DELETE RESTRICT,
    rental_duration  smallint NOT NULL DEFAULT 3,
    rental_rate      numeric(4,2) NOT NULL DEFAULT 4.99,
    length           smallint,
    replacement_cost numeric(5,2) NOT NULL DEFAULT 19.99,
    rating           mpaa_rating DEFAULT 'G',
    last_update      timestamp without time zone NOT NULL DEFAULT now(),
    special_features text[],
    fulltext         tsvector NOT NULL
);
CREATE INDEX film_fulltext_idx ON film USING gin (fulltext);
CREATE INDEX idx_title ON film (title);
CREATE TRIGGER film_fulltext_trigger BEFORE INSERT OR UPDATE ON film
    FOR EACH ROW EXECUTE FUNCTION
    tsvector_update_trigger(fulltext, 'pg_catalog.english', title, description);

CREATE TABLE film_actor (
    actor_id    integer NOT NULL REFERENCES actor (actor_id)
                ON UPDATE CASCADE ON DELETE RESTRICT,
    film_id     integer NOT NULL REFERENCES film (film_id)
                ON UPDATE CASCADE ON DELETE RESTRICT,
    last_update timestamp without time zone NOT NULL DEFAULT now(),
    PRIMARY KEY (actor_id, film_id)
);

CREATE TABLE customer (
    customer_id serial PRIMARY KEY,
    first_name  text NOT NULL,
    last_name   text NOT NULL,
    email       text,
    activebool  boolean NOT NULL DEFAULT true,
    create_date date NOT NULL DEFAULT CURRENT_DATE,
    active      integer
);

CREATE TABLE rental (
    rental_id   serial PRIMARY KEY,
    rental_date timestamp without time zone NOT NULL,
    film_id     integer NOT NULL REFERENCES film (film_id),
    customer_id integer NOT NULL REFERENCES customer (customer_id),
    return_date timestamp without time zone
);
CREATE UNIQUE INDEX idx_unq_rental_rental_date_film_id_customer_id
    ON rental (rental_date, film_id, customer_id);

CREATE TABLE payment (
    payment_id   serial NOT NULL,
    customer_id  integer NOT NULL REFERENCES customer (customer_id),
    rental_id    integer NOT NULL REFERENCES rental (rental_id),
    amount       numeric(5,2) NOT NULL,
    payment_date timestamp with time zone NOT NULL,
    PRIMARY KEY (payment_date, payment_id)
) PARTITION BY RANGE (payment_date);
CREATE TABLE payment_p2022_01 PARTITION OF payment
    FOR VALUES FROM ('2022-01-01 00:00:00+00') TO ('2022-02-01 00:00:00+00');
CREATE TABLE payment_p2022_02 PARTITION OF payment
    FOR VALUES FROM ('2022-02-01 00:00:00+00') TO ('2022-03-01 00:00:00+00');
CREATE TABLE payment_p2022_03 PARTITION OF payment
    FOR VALUES FROM ('2022-03-01 00:00:00+00') TO ('2022-04-01 00:00:00+00');

CREATE VIEW film_list AS
    SELECT film.film_id AS fid, film.title, film.rating,
           (film.rental_rate * 2) AS double_rate
    FROM film;

CREATE FUNCTION films_in_language(lang integer) RETURNS SETOF film
    LANGUAGE sql STABLE AS $$
    SELECT * FROM film WHERE language_id = lang
$$;

BEGIN;
INSERT INTO language (name, last_update) VALUES
    ('English', '2022-02-15 10:02:19'),
    ('Italian', '2022-02-15 10:02:19'),
    ('Japanese', '2022-02-15 10:02:19.5');
INSERT INTO actor (first_name, last_name, last_update) VALUES
    ('PENELOPE', 'GUINESS', '2022-02-15 09:34:33'),
    ('NICK', 'WAHLBERG', '2022-02-15 09:34:33'),
    ('ED', 'CHASE', '2022-02-15 09:34:33'),
    ('JENNIFER', 'DAVIS', '2022-02-15 09:34:33.123456'),
    ('JOHNNY', 'LOLLOBRIGIDA', '2022-02-15 09:34:33');
INSERT INTO film (title, description, release_year, language_id,
                  rental_duration, rental_rate, length, replacement_cost,
                  rating, last_update, special_features) VALUES
    ('ACADEMY DINOSAUR', 'A Epic Drama of a Feminist And a Mad Scientist',
     2006, 1, 6, 0.99, 86, 20.99, 'PG', '2022-02-15 10:03:42',
     '{"Deleted Scenes","Behind the Scenes"}'),
    ('ACE GOLDFINGER', 'A Astounding Epistle of a Database Administrator',
     2006, 1, 3, 4.99, 48, 12.99, 'G', '2022-02-15 10:03:42',
     '{Trailers,"Deleted Scenes"}'),
    ('ADAPTATION HOLES', NULL, 2006, 2, 7, 2.99, 50, 18.99, 'NC-17',
     '2022-02-15 10:03:42', '{}'),
    ('AFFAIR PREJUDICE', 'A Fanciful Documentary', NULL, 3, 5, 2.99, 117,
     26.99, 'PG-13', '2022-02-15 10:03:42', NULL),
    ('AGENT TRUMAN', 'A Intrepid Panorama of a Robot', 2006, 1, 3, 2.99,
     169, 17.99, NULL, '2022-02-15 10:03:42', '{Commentaries}'),
    ('ALABAMA DEVIL', 'A Thoughtful Panorama, "quoted"', 2155, 1, 3, 2.99,
     114, 21.99, 'R', '2022-02-15 10:03:42', '{"a,b","c\\d"}');
INSERT INTO film_actor (actor_id, film_id, last_update) VALUES
    (1, 1, '2022-02-15 10:05:03'), (1, 2, '2022-02-15 10:05:03'),
    (2, 3, '2022-02-15 10:05:03'), (3, 3, '2022-02-15 10:05:03'),
    (4, 4, '2022-02-15 10:05:03'), (5, 5, '2022-02-15 10:05:03'),
    (5, 6, '2022-02-15 10:05:03'), (2, 6, '2022-02-15 10:05:03');
INSERT INTO customer (first_name, last_name, email, activebool,
                      create_date, active) VALUES
    ('MARY', 'SMITH', 'mary.smith@example.org', true, '2022-02-14', 1),
    ('PATRICIA', 'JOHNSON', NULL, true, '2022-02-14', 1),
    ('LINDA', 'WILLIAMS', 'linda@example.org', false, '2022-02-15', 0),
    ('BARBARA', 'JONES', 'barbara@example.org', true, '2022-02-16', NULL);
INSERT INTO rental (rental_date, film_id, customer_id, return_date) VALUES
    ('2022-01-24 22:53:30', 1, 1, '2022-01-26 22:04:30'),
    ('2022-01-25 00:00:00', 2, 1, NULL),
    ('2022-02-01 10:00:00.5', 3, 2, '2022-02-03 10:00:00'),
    ('2022-02-14 23:59:59', 4, 3, '2022-02-20 12:00:00'),
    ('2022-03-01 08:00:00', 6, 4, NULL),
    ('2022-03-02 08:00:00', 6, 1, '2022-03-04 08:00:00');
INSERT INTO payment (customer_id, rental_id, amount, payment_date) VALUES
    (1, 1, 2.99, '2022-01-24 23:00:00+00'),
    (1, 2, 0.99, '2022-01-25 00:00:00+00'),
    (2, 3, 5.99, '2022-02-01 10:00:00.5+00'),
    (3, 4, 9.99, '2022-02-15 00:00:00+00'),
    (3, 4, 1.00, '2022-02-16 00:00:00+00'),
    (4, 5, 0.00, '2022-03-01 08:00:00+00'),
    (1, 6, 11.99, '2022-03-02 08:00:00+00'),
    (1, 6, -1.50, '2022-03-31 23:59:59.999999+00');
COMMIT;
