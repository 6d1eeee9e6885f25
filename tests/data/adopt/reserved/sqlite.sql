-- A SQLite database whose names PostgreSQL keeps for itself: columns
-- xmin and ctid (system columns of every PostgreSQL table) and an enum,
-- from a CHECK, named money (a type of PostgreSQL's pg_catalog).  Pulled
-- unchanged, into a schema for sqlite only.
CREATE TABLE jobs (
    id     INTEGER PRIMARY KEY AUTOINCREMENT,
    name   TEXT NOT NULL,
    xmin   INTEGER NOT NULL,
    ctid   TEXT,
    money  TEXT NOT NULL CHECK (money IN ('cash', 'card'))
);
CREATE INDEX jobs_by_xmin ON jobs (xmin);

INSERT INTO jobs (name, xmin, ctid, money) VALUES
    ('first', 10, '(0,1)', 'cash'),
    ('second', 20, NULL, 'card');
