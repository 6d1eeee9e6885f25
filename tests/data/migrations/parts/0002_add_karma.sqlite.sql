-- schemac migration 0002 add_karma (sqlite)
-- Three parts: a column, a unique index built on its own (it fails while
-- two users share an email), then a backfill that needs both.
-- +guard users.name "names that are empty"
SELECT count(*) FROM "users" WHERE "name" = '';
-- +up
ALTER TABLE "users" ADD COLUMN "karma" INTEGER;
-- +no-transaction
CREATE UNIQUE INDEX "ux_users_email" ON "users" ("email");
CREATE INDEX "ix_users_karma" ON "users" ("karma");
-- +transaction
UPDATE "users" SET "karma" = length("name");
-- +down
-- +no-transaction
DROP INDEX "ix_users_karma";
DROP INDEX "ux_users_email";
-- +transaction
ALTER TABLE "users" DROP COLUMN "karma";
