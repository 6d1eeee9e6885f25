-- A SQLite database written by hand, as a small application keeps it: no
-- STRICT, dates and times as text, a log without any key kept by a
-- trigger, a table reached by a unique key alone, a view, and a column
-- where one row holds a value of another storage class than the others
-- (readings.value: 'n/a' among integers), which schemac must refuse to
-- read rather than convert.
PRAGMA foreign_keys = ON;

CREATE TABLE sensors (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    name      TEXT NOT NULL UNIQUE,
    installed DATE,
    active    BOOLEAN NOT NULL DEFAULT 1
);

CREATE TABLE readings (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    sensor_id INTEGER NOT NULL REFERENCES sensors (id),
    taken_at  DATETIME NOT NULL,
    value     INTEGER,
    note      TEXT
);
CREATE INDEX readings_by_sensor ON readings (sensor_id, taken_at);

-- No primary key and no unique key: rows cannot be told apart.
CREATE TABLE audit_log (
    at        DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    what      TEXT NOT NULL,
    sensor_id INTEGER
);

-- No primary key, but a unique key over not null columns.
CREATE TABLE sensor_tags (
    sensor_id INTEGER NOT NULL REFERENCES sensors (id) ON DELETE CASCADE,
    tag       TEXT NOT NULL,
    weight    REAL,
    UNIQUE (sensor_id, tag)
);

CREATE TRIGGER readings_audit AFTER INSERT ON readings
BEGIN
    INSERT INTO audit_log (at, what, sensor_id)
        VALUES ('2024-01-01 00:00:00', 'reading', new.sensor_id);
END;

CREATE VIEW latest_readings AS
    SELECT sensor_id, max(taken_at) AS taken_at FROM readings
    GROUP BY sensor_id;

BEGIN;
INSERT INTO sensors (name, installed, active) VALUES ('roof', '2021-03-01', 1);
INSERT INTO sensors (name, installed, active) VALUES ('cellar', '2021-03-02', 1);
INSERT INTO sensors (name, installed, active) VALUES ('garden', NULL, 0);
INSERT INTO sensors (name, installed, active) VALUES ('attic "north"', '2022-11-30', 1);
INSERT INTO readings (sensor_id, taken_at, value, note) VALUES (1, '2024-01-01 08:00:00', 21, NULL);
INSERT INTO readings (sensor_id, taken_at, value, note) VALUES (1, '2024-01-01 09:00:00', 22, 'sunny');
INSERT INTO readings (sensor_id, taken_at, value, note) VALUES (2, '2024-01-01 08:00:00', 'n/a', 'sensor offline');
INSERT INTO readings (sensor_id, taken_at, value, note) VALUES (2, '2024-01-01 09:00:00', 12, NULL);
INSERT INTO readings (sensor_id, taken_at, value, note) VALUES (2, '2024-01-01 10:30:00.250000', -3, 'tab	inside');
INSERT INTO readings (sensor_id, taken_at, value, note) VALUES (4, '2024-01-02 00:00:00', NULL, 'line
break');
INSERT INTO audit_log (at, what, sensor_id) VALUES ('2023-12-31 23:59:59', 'created', NULL);
INSERT INTO sensor_tags VALUES (1, 'outdoor', 1.5);
INSERT INTO sensor_tags VALUES (1, 'calibrated', NULL);
INSERT INTO sensor_tags VALUES (2, 'indoor', 0.25);
INSERT INTO sensor_tags VALUES (4, 'indoor', 2);
COMMIT;
