-- schemac migration 0002 add_karma (mariadb)
-- Three parts: a column, a unique index (it fails while two users share
-- an email), then a backfill that needs both.
-- +guard users.name "names that are empty"
SELECT count(*) FROM `users` WHERE `name` = '';
-- +up
ALTER TABLE `users` ADD COLUMN `karma` INT;
-- +no-transaction
CREATE UNIQUE INDEX `ux_users_email` ON `users` (`email`);
CREATE INDEX `ix_users_karma` ON `users` (`karma`);
-- +transaction
UPDATE `users` SET `karma` = char_length(`name`);
-- +down
-- +no-transaction
DROP INDEX `ix_users_karma` ON `users`;
DROP INDEX `ux_users_email` ON `users`;
-- +transaction
ALTER TABLE `users` DROP COLUMN `karma`;
