-- int_cost_days
-- Grain: one row per vendor_id x local_date covered by a cost period.
-- Definition: cost_base = strict sum of the day's share of every cost line (invoices, credits and
--   adjustments alike, signed), in the base currency; NULL when a day's FX rate is missing.
-- Depends on: int_cost_spread, stg_exact_sum
create or replace view int_cost_days as
with spread as (
    select * from int_cost_spread
),

final as (
    select
        vendor_id,
        local_date,
        stg_exact_sum(cost_base) as cost_base
    from spread
    group by vendor_id, local_date
)

select * from final
