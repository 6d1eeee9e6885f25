-- schemac migration 0001 init (postgresql)
-- +up
CREATE TABLE "users" (
    "id" bigserial PRIMARY KEY,
    "name" varchar(32) NOT NULL UNIQUE,
    "email" varchar(64)
);
CREATE TABLE "posts" (
    "id" bigserial PRIMARY KEY,
    "user_id" bigint NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
    "title" varchar(128) NOT NULL
);
-- +down
DROP TABLE "posts";
DROP TABLE "users";
