-- A SQLite database another tool made (the way Django lays one out):
-- tables without STRICT, declared types of its own, named indexes.
CREATE TABLE "shop_customer" (
    "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
    "email" varchar(254) NOT NULL UNIQUE,
    "name" varchar(100) NOT NULL,
    "is_active" bool NOT NULL,
    "joined" datetime NOT NULL
);
CREATE TABLE "shop_order" (
    "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
    "customer_id" bigint NOT NULL REFERENCES "shop_customer" ("id")
        DEFERRABLE INITIALLY DEFERRED,
    "placed" datetime NOT NULL,
    "note" text NULL
);
CREATE INDEX "shop_order_customer_id_a1b2c3d4" ON "shop_order" ("customer_id");
-- Django writes a fraction of a second only when it is not zero.
INSERT INTO shop_customer VALUES (1, 'ada@example.org', 'Ada', 1,
    '2021-03-04 05:06:07.123456');
INSERT INTO shop_customer VALUES (2, 'bob@example.org', 'Bob', 1,
    '2021-03-04 06:00:00');
INSERT INTO shop_order VALUES (1, 1, '2021-03-05 10:00:00', NULL);
