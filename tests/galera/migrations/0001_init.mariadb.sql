-- schemac migration 0001 init (mariadb)
-- written by hand for the Galera test; review before committing
-- +up
CREATE TABLE "entries" (
    "entry_id" BIGINT NOT NULL PRIMARY KEY,
    "writer" INT NOT NULL,
    "seq" INT NOT NULL,
    "node" INT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE TABLE "counters" (
    "counter_id" INT NOT NULL PRIMARY KEY,
    "n" BIGINT NOT NULL DEFAULT 0
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
-- +down
DROP TABLE "counters";
DROP TABLE "entries";
