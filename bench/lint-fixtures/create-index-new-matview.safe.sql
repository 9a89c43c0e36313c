-- safe
CREATE MATERIALIZED VIEW daily_totals AS SELECT account_id, sum(amount) AS total FROM orders GROUP BY account_id;
CREATE INDEX daily_totals_account_idx ON daily_totals (account_id);
