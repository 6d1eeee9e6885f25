-- Timestamps kept as text by different writers: how many fraction digits
-- each writes tells pull which form of "stored as text" to give.
CREATE TABLE "stamps" (
    "id" integer NOT NULL PRIMARY KEY,
    -- SQLAlchemy: always six digits, zeros too
    "six" DATETIME NOT NULL,
    -- Django: six digits, none when the fraction is zero
    "django" datetime NOT NULL,
    -- always three, as strftime('%Y-%m-%d %H:%M:%f') writes
    "three" DATETIME NOT NULL,
    -- six digits on every row, none of them zero: either writer
    "either" DATETIME NOT NULL,
    -- CURRENT_TIMESTAMP: whole seconds
    "whole" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    -- a 'T' between, as isoformat() writes
    "iso" DATETIME
);
INSERT INTO stamps VALUES (1, '2021-01-31 13:45:00.000000',
    '2021-01-31 13:45:00', '2021-01-31 13:45:00.000',
    '2021-01-31 13:45:00.250000', '2021-01-31 13:45:00',
    '2021-01-31T13:45:00.250000');
INSERT INTO stamps VALUES (2, '2021-02-01 13:45:00.250000',
    '2021-02-01 13:45:00.250000', '2021-02-01 13:45:00.250',
    '2021-02-01 13:45:00.500000', '2021-02-01 13:45:00', NULL);
