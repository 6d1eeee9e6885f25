-- schemac migration 0001 init (mariadb)
-- +up
CREATE TABLE `authors` (
    `id` BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    `name` VARCHAR(64) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
CREATE INDEX `authors_name_idx` ON `authors` (`name`);
CREATE TABLE `books` (
    `id` BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    `author_id` BIGINT NOT NULL,
    `title` VARCHAR(128) NOT NULL,
    CONSTRAINT `fk_books_author_id` FOREIGN KEY (`author_id`)
        REFERENCES `authors` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
CREATE INDEX `books_author_id_idx` ON `books` (`author_id`);
-- +down
DROP TABLE `books`;
DROP TABLE `authors`;
