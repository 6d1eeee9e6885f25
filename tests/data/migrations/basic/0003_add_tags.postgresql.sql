-- schemac migration 0003 add_tags (postgresql)
-- +up
CREATE INDEX "posts_title_idx" ON "posts" ("title");
CREATE TABLE "tags" (
    "id" bigserial PRIMARY KEY,
    "post_id" bigint NOT NULL REFERENCES "posts" ("id") ON DELETE CASCADE,
    "label" varchar(32) NOT NULL
);
-- +down
DROP TABLE "tags";
DROP INDEX "posts_title_idx";
