-- schemac migration 0002 require_email (postgresql)
-- +guard users.email "NULL values, which not null refuses"
SELECT count(*) FROM "users" WHERE "email" IS NULL;
-- +up
ALTER TABLE "users" ALTER COLUMN "email" SET NOT NULL;
-- +down
ALTER TABLE "users" ALTER COLUMN "email" DROP NOT NULL;
