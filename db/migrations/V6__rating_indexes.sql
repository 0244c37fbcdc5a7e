-- Rating reads every line of one hour: index that, not just (workspace, hour, ...).
CREATE INDEX rating_line_hour_idx ON rating_line (hour_start);
