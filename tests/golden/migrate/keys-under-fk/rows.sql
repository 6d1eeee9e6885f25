INSERT INTO warehouses (warehouse_id, name) VALUES (1, 'North'), (2, 'South');
INSERT INTO bins (bin_id, warehouse_id, shelf) VALUES (10, 1, 1), (11, 2, 1);
INSERT INTO docks (dock_id, warehouse_id, door) VALUES (20, 1, 3), (21, 2, 4);
INSERT INTO racks (rack_id, warehouse_id, aisle) VALUES (30, 1, 5), (31, 1, 6);
INSERT INTO gates (gate_id, warehouse_id, lane) VALUES (40, 2, 7), (41, 2, 8);
INSERT INTO bays (bay_id, warehouse_id) VALUES (60, 1), (61, 2);
INSERT INTO stock (warehouse_id, sku, count) VALUES (1, 100, 5), (2, 100, 7);
INSERT INTO zones (zone_id, label) VALUES (1, 'Cold'), (2, 'Dry');
INSERT INTO shelves (shelf_id, zone_id) VALUES (50, 1), (51, 2), (52, 2);
