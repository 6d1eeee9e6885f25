-- schemac migration 0001 init (postgresql)
-- +up
CREATE TABLE "authors" (
    "id" bigserial PRIMARY KEY,
    "name" varchar(64) NOT NULL
);
CREATE INDEX "authors_name_idx" ON "authors" ("name");
CREATE TABLE "books" (
    "id" bigserial PRIMARY KEY,
    "author_id" bigint NOT NULL
        REFERENCES "authors" ("id") ON DELETE CASCADE,
    "title" varchar(128) NOT NULL
);
CREATE INDEX "books_author_id_idx" ON "books" ("author_id");
-- +down
DROP TABLE "books";
DROP TABLE "authors";
