-- schemac migration 0002 check_author_name (sqlite)
-- SQLite cannot add a CHECK to a table: rebuild it as its documentation
-- says (https://sqlite.org/lang_altertable.html, "other kinds of table
-- schema changes"), with foreign keys off so that dropping the old table
-- does not cascade into books.
-- +foreign-keys off
-- +up
CREATE TABLE "authors_new" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL CHECK (length("name") > 0)
);
INSERT INTO "authors_new" ("id", "name") SELECT "id", "name" FROM "authors";
DROP TABLE "authors";
ALTER TABLE "authors_new" RENAME TO "authors";
CREATE INDEX "authors_name_idx" ON "authors" ("name");
-- +down
-- +foreign-keys off
CREATE TABLE "authors_new" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL
);
INSERT INTO "authors_new" ("id", "name") SELECT "id", "name" FROM "authors";
DROP TABLE "authors";
ALTER TABLE "authors_new" RENAME TO "authors";
CREATE INDEX "authors_name_idx" ON "authors" ("name");
