-- schemac migration 0001 init (sqlite)
-- +up
CREATE TABLE "authors" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL
);
CREATE INDEX "authors_name_idx" ON "authors" ("name");
CREATE TABLE "books" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "author_id" INTEGER NOT NULL
        REFERENCES "authors" ("id") ON DELETE CASCADE,
    "title" TEXT NOT NULL
);
CREATE INDEX "books_author_id_idx" ON "books" ("author_id");
-- +down
DROP TABLE "books";
DROP TABLE "authors";
