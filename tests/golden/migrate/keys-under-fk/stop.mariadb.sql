SET foreign_key_checks = 0;
INSERT INTO docks (dock_id, warehouse_id, door) VALUES (29, 99, 9);
