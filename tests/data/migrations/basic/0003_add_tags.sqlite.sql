-- schemac migration 0003 add_tags (sqlite)
-- +up
CREATE INDEX "posts_title_idx" ON "posts" ("title");
CREATE TABLE "tags" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "post_id" INTEGER NOT NULL REFERENCES "posts" ("id") ON DELETE CASCADE,
    "label" TEXT NOT NULL
);
-- +down
DROP TABLE "tags";
DROP INDEX "posts_title_idx";
