-- schemac migration 0002 add_karma (postgresql)
-- Three parts: a column, a unique index built concurrently (it fails while
-- two users share an email), then a backfill that needs both.
-- +guard users.name "names that are empty"
SELECT count(*) FROM "users" WHERE "name" = '';
-- +up
ALTER TABLE "users" ADD COLUMN "karma" integer;
-- +no-transaction
CREATE UNIQUE INDEX CONCURRENTLY "ux_users_email" ON "users" ("email");
CREATE INDEX CONCURRENTLY "ix_users_karma" ON "users" ("karma");
-- +transaction
UPDATE "users" SET "karma" = length("name");
-- +down
-- +no-transaction
DROP INDEX CONCURRENTLY "ix_users_karma";
DROP INDEX CONCURRENTLY "ux_users_email";
-- +transaction
ALTER TABLE "users" DROP COLUMN "karma";
