INSERT INTO reviews (title, stars, score, votes, tag) VALUES ('Good', 3, 1, 0, NULL),
    ('Bad', 1, 5, 0, NULL), ('Fine', 2, 7, 0, NULL);
