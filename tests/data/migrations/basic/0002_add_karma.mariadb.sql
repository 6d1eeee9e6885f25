-- schemac migration 0002 add_karma (mariadb)
-- +guard users.name "NULL values, which not null refuses"
SELECT count(*) FROM `users`
WHERE `name` IS NULL;
-- +up
ALTER TABLE `users` ADD COLUMN `karma` INT NOT NULL DEFAULT 0;
-- +down
ALTER TABLE `users` DROP COLUMN `karma`;
