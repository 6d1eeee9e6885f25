-- A SQLite database written by hand, the way an application that did not
-- start with schemac might have made it.
CREATE TABLE authors (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    name    VARCHAR(80) NOT NULL UNIQUE,
    email   TEXT,
    status  TEXT NOT NULL DEFAULT 'unknown',
    active  BOOLEAN NOT NULL DEFAULT 1,
    joined  DATETIME DEFAULT CURRENT_TIMESTAMP
);
CREATE TABLE books (
    isbn      CHAR(13) PRIMARY KEY,
    author_id INTEGER NOT NULL REFERENCES authors(id) ON DELETE CASCADE,
    title     TEXT NOT NULL,
    price     DECIMAL(8,2),
    cover     BLOB,
    rating    REAL CHECK (rating BETWEEN 0 AND 5),
    pages     INT DEFAULT 0,
    meta      JSON,
    CONSTRAINT sensible_pages CHECK (pages >= 0)
);
CREATE INDEX books_by_title ON books (title);
CREATE UNIQUE INDEX books_author_title ON books (author_id, title);
CREATE TABLE tags (
    book TEXT NOT NULL,
    tag  TEXT NOT NULL,
    PRIMARY KEY (book, tag),
    FOREIGN KEY (book) REFERENCES books (isbn) ON UPDATE CASCADE
);
