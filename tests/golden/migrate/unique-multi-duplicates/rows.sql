INSERT INTO users (user_name, user_email) VALUES ('최영선', 'a@pycon.kr'),
    ('배준현', 'b@pycon.kr'), ('김준기', 'c@pycon.kr');
INSERT INTO programs (program_name) VALUES ('SQLAlchemy'), ('Alembic');
INSERT INTO program_enrollments (program_id, user_id) VALUES (1, 1), (1, 2);
UPDATE users SET karma = 100;
