-- assert_fx_rates_cover_costs
-- Grain: one row per vendor_id x currency x month whose costs need an FX rate that fx_rates lacks.
-- Definition: every day a cost is spread over has a rate for the vendor currency in that day's
--   month (the base currency needs none); a missing rate leaves cost_base NULL.
-- Depends on: int_fx_gaps
create or replace view assert_fx_rates_cover_costs as
with gaps as (
    select *
    from int_fx_gaps
    where source = 'costs'
),

final as (
    select vendor_id, currency, local_month as month, count(*) as days
    from gaps
    group by vendor_id, currency, local_month
    order by vendor_id, currency, month
)

select * from final
