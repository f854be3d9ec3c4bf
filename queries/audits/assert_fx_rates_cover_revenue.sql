-- assert_fx_rates_cover_revenue
-- Grain: one row per vendor_id x currency x month whose call revenue needs an FX rate that fx_rates
--   lacks.
-- Definition: every call with revenue is on a local date whose month has a rate for the vendor
--   currency (the base currency needs none); a missing rate leaves revenue_base NULL.
-- Depends on: int_fx_gaps
create or replace view assert_fx_rates_cover_revenue as
with gaps as (
    select *
    from int_fx_gaps
    where source = 'revenue'
),

final as (
    select vendor_id, currency, local_month as month, count(*) as days
    from gaps
    group by vendor_id, currency, local_month
    order by vendor_id, currency, month
)

select * from final
