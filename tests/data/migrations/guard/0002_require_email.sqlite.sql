-- schemac migration 0002 require_email (sqlite)
-- +foreign-keys off
-- +guard users.email "NULL values, which not null refuses"
SELECT count(*) FROM "users" WHERE "email" IS NULL;
-- +up
CREATE TABLE "users_new" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL UNIQUE,
    "email" TEXT NOT NULL
);
INSERT INTO "users_new" ("id", "name", "email")
    SELECT "id", "name", "email" FROM "users";
DROP TABLE "users";
ALTER TABLE "users_new" RENAME TO "users";
-- +down
CREATE TABLE "users_new" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL UNIQUE,
    "email" TEXT
);
INSERT INTO "users_new" ("id", "name", "email")
    SELECT "id", "name", "email" FROM "users";
DROP TABLE "users";
ALTER TABLE "users_new" RENAME TO "users";
