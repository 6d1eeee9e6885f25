-- schemac migration 0002 label (mariadb)
-- written by hand for the Galera test; review before committing
-- +up
ALTER TABLE "counters" ADD COLUMN "label" VARCHAR(16);
CREATE INDEX "ix_entries_writer_seq" ON "entries" ("writer", "seq");
-- +down
ALTER TABLE "counters" DROP COLUMN "label";
DROP INDEX "ix_entries_writer_seq" ON "entries";
