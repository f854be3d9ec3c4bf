-- stg_exact_sum
-- Grain: a scalar aggregate macro (one value per group).
-- Definition: strict sum of a DOUBLE (seconds, money, scores) added as exact decimal(38, 10) and
--   returned as DOUBLE: floating-point addition depends on the order of the rows, and DuckDB's
--   threads add them in any order, so the same data could give KPIs that differ in their last
--   bits. Each value is rounded once to 10 decimals; the sum of those is exact, so every build of
--   the same rows gives the same bits. NULL when any row of the group has NULL (stg_strict_sum).
--   Example: stg_exact_sum(x) over x = 0.1, 0.2 is 0.3 in any order (double addition gives
--   0.30000000000000004).
-- Depends on: stg_strict_sum
create or replace macro stg_exact_sum(x) as
    cast(stg_strict_sum(cast(x as decimal(38, 10))) as double)
