-- Rating reads every line of one hour: index that. Every index on rating_line is paid for
-- by every line rating writes, so the two that only periodic or per-account queries use go
-- (those queries use rating_line_account_idx or a hash join).
CREATE INDEX rating_line_hour_idx ON rating_line (hour_start);
DROP INDEX rating_line_unstated_idx;
DROP INDEX rating_line_tx_idx;
