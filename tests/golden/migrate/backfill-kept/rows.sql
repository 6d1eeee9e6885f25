INSERT INTO reviews (title, stars, score, votes) VALUES ('Good', 3, 1, 0),
    ('Bad', 1, 5, 0), ('Fine', 2, 7, 0);
