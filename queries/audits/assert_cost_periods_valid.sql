-- assert_cost_periods_valid
-- Grain: one row per cost line whose period is empty (zero rows = pass).
-- Definition: period_end is on or after period_start; otherwise the amount has no day to be spread
--   over and would silently drop out of cost_base.
-- Depends on: stg_costs
create or replace view assert_cost_periods_valid as
with costs as (
    select *
    from stg_costs
),

final as (
    select vendor_id, source_file, source_row, period_start, period_end, amount
    from costs
    where period_end < period_start or period_start is null or period_end is null
)

select * from final
