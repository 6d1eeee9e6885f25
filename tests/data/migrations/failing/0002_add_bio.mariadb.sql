-- schemac migration 0002 add_bio (mariadb)
-- Fails at its third statement on purpose.  MariaDB commits the first two
-- (its DDL cannot be rolled back): the step is recorded half done there.
-- +up
ALTER TABLE `users` ADD COLUMN `bio` LONGTEXT COLLATE utf8mb4_nopad_bin;
INSERT INTO `users` (`name`) VALUES ('made by the migration');
INSERT INTO `no_such_table` VALUES (1);
-- +down
DELETE FROM `users` WHERE `name` = 'made by the migration';
ALTER TABLE `users` DROP COLUMN `bio`;
