INSERT INTO reviews (title, stars, score) VALUES ('Good', '***', NULL),
    ('Bad', '*', 5), ('Fine', '**', NULL);
