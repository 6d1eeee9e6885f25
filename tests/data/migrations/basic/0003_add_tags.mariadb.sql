-- schemac migration 0003 add_tags (mariadb)
-- +up
CREATE INDEX `posts_title_idx` ON `posts` (`title`);
CREATE TABLE `tags` (
    `id` BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    `post_id` BIGINT NOT NULL,
    `label` VARCHAR(32) NOT NULL,
    CONSTRAINT `fk_tags_post_id` FOREIGN KEY (`post_id`)
        REFERENCES `posts` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
-- +down
DROP TABLE `tags`;
DROP INDEX `posts_title_idx` ON `posts`;
