INSERT INTO warehouses (warehouse_id, name) VALUES (1, 'North'), (2, 'South');
INSERT INTO stock (warehouse_id, sku, count) VALUES (1, 100, 5), (2, 100, 7);
INSERT INTO zones (zone_id, label) VALUES (1, 'Cold'), (2, 'Dry');
INSERT INTO shelves (shelf_id, zone_id) VALUES (10, 1), (11, 2), (12, 2);
