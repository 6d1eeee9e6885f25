-- schemac migration 0002 check_author_name (mariadb)
-- +up
ALTER TABLE `authors` ADD CONSTRAINT `authors_name_check`
    CHECK (char_length(`name`) > 0);
-- +down
ALTER TABLE `authors` DROP CONSTRAINT `authors_name_check`;
