-- schemac migration 0002 add_bio (postgresql)
-- Fails at its third statement on purpose: the first two must not stay.
-- +up
ALTER TABLE "users" ADD COLUMN "bio" text;
INSERT INTO "users" ("name") VALUES ('made by the migration');
INSERT INTO "no_such_table" VALUES (1);
-- +down
DELETE FROM "users" WHERE "name" = 'made by the migration';
ALTER TABLE "users" DROP COLUMN "bio";
