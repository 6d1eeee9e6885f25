-- A PostgreSQL database written by hand, the way an application that did
-- not start with schemac might have made it.
CREATE TYPE mood AS ENUM ('happy', 'sad', 'meh');
CREATE TABLE authors (
    id       serial PRIMARY KEY,
    name     varchar(80) NOT NULL UNIQUE,
    score    numeric,
    addr     inet,
    feeling  mood NOT NULL DEFAULT 'happy',
    created  timestamp DEFAULT now(),
    code     character(4),
    balance  numeric(12,2) NOT NULL DEFAULT -1.50
);
CREATE TABLE books (
    isbn      text PRIMARY KEY,
    author_id integer NOT NULL REFERENCES authors (id) ON DELETE CASCADE,
    title     text NOT NULL,
    pages     integer CHECK (pages > 0),
    published date DEFAULT '2020-02-29',
    UNIQUE (author_id, title)
);
CREATE INDEX books_lower_title ON books (lower(title));
CREATE INDEX books_by_title ON books (title, published);
CREATE TABLE tags (
    book text REFERENCES books ON UPDATE CASCADE,
    tag  text,
    id   bigint GENERATED ALWAYS AS IDENTITY,
    PRIMARY KEY (book, tag)
);
