DELETE FROM docks WHERE dock_id = 29;
