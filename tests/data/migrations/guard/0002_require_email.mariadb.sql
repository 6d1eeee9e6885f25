-- schemac migration 0002 require_email (mariadb)
-- +guard users.email "NULL values, which not null refuses"
SELECT count(*) FROM `users` WHERE `email` IS NULL;
-- +up
ALTER TABLE `users` MODIFY COLUMN `email` VARCHAR(64) COLLATE utf8mb4_nopad_bin NOT NULL;
-- +down
ALTER TABLE `users` MODIFY COLUMN `email` VARCHAR(64) COLLATE utf8mb4_nopad_bin;
