INSERT INTO posts (title, guid) VALUES ('Hello', 'p-1'), ('hello ', 'p-2');
