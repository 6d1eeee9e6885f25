INSERT INTO programs (program_name) VALUES ('Probe');
SELECT max(program_id) FROM programs;
