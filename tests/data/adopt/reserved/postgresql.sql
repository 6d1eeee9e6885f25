-- A PostgreSQL database whose names SQLite keeps for itself: a table
-- sqlite_stats and an index sqlite_stats_by_day (SQLite refuses every
-- table and index name beginning with "sqlite_").  Pulled unchanged,
-- into a schema for postgresql only.
CREATE TYPE payment AS ENUM ('cash', 'card');

CREATE TABLE sqlite_stats (
    id    bigserial PRIMARY KEY,
    day   date NOT NULL,
    hits  integer NOT NULL,
    paid  payment
);
CREATE INDEX sqlite_stats_by_day ON sqlite_stats (day);

INSERT INTO sqlite_stats (day, hits, paid) VALUES
    ('2024-01-01', 3, 'cash'),
    ('2024-01-02', 5, NULL);
