-- schemac migration 0002 check_author_name (postgresql)
-- +up
ALTER TABLE "authors" ADD CONSTRAINT "authors_name_check"
    CHECK (length("name") > 0);
-- +down
ALTER TABLE "authors" DROP CONSTRAINT "authors_name_check";
