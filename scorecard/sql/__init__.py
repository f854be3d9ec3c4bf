"""Stage 3, SQL: the queries/ folder applied to a database, the daily components materialised, audits."""
