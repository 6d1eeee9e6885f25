-- A blog as WordPress-like applications lay out MariaDB: utf8mb4 text in
-- a case-insensitive collation, unsigned ids, DATETIME without fraction,
-- TINYINT(1) flags, LONGTEXT bodies, an ENUM, a prefix index, a view
-- and a trigger.
CREATE TABLE wp_users (
    ID BIGINT(20) UNSIGNED NOT NULL AUTO_INCREMENT,
    user_login VARCHAR(60) NOT NULL DEFAULT '',
    user_email VARCHAR(100) NOT NULL DEFAULT '',
    user_registered DATETIME NOT NULL DEFAULT '0000-00-00 00:00:00',
    user_status INT(11) NOT NULL DEFAULT 0,
    PRIMARY KEY (ID),
    KEY user_login_key (user_login),
    KEY user_email (user_email)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE wp_posts (
    ID INT(10) UNSIGNED NOT NULL AUTO_INCREMENT,
    post_author INT(10) UNSIGNED NOT NULL DEFAULT 0,
    post_date DATETIME NOT NULL DEFAULT '2000-01-01 00:00:00',
    post_content LONGTEXT NOT NULL,
    post_title TEXT NOT NULL,
    post_status ENUM('publish', 'draft', 'auto-draft') NOT NULL
        DEFAULT 'draft',
    comment_count SMALLINT NOT NULL DEFAULT 0,
    sticky TINYINT(1) NOT NULL DEFAULT 0,
    guid VARCHAR(255) NOT NULL DEFAULT '',
    PRIMARY KEY (ID),
    KEY type_status_date (post_status, post_date, ID),
    KEY post_author (post_author),
    KEY guid (guid(191))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE wp_comments (
    comment_ID INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    comment_post_ID INT UNSIGNED NOT NULL,
    comment_content TEXT NOT NULL,
    comment_approved VARCHAR(20) NOT NULL DEFAULT '1',
    CONSTRAINT fk_comments_post FOREIGN KEY (comment_post_ID)
        REFERENCES wp_posts (ID) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE VIEW wp_published AS
    SELECT ID, post_title FROM wp_posts WHERE post_status = 'publish';

CREATE TRIGGER wp_posts_count AFTER INSERT ON wp_comments FOR EACH ROW
    UPDATE wp_posts SET comment_count = comment_count + 1
    WHERE ID = NEW.comment_post_ID;
