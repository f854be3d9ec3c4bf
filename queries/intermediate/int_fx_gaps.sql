-- int_fx_gaps
-- Grain: one row per vendor_id x program x local_date x currency x source that needs a missing FX
--   rate.
-- Definition: days whose costs (source 'costs', program NULL) or call revenue (source 'revenue')
--   are in a currency other than the base currency with no rate for that month in fx_rates.
-- Depends on: int_cost_spread, stg_calls, stg_vendors, stg_settings, stg_fx_rates
create or replace view int_fx_gaps as
with cost_gaps as (
    select distinct
        vendor_id, cast(null as varchar) as program, local_date, currency, local_month,
        'costs' as source
    from int_cost_spread
    where rate_to_base is null
),

revenue_gaps as (
    select distinct
        c.vendor_id, c.program, c.local_date, v.currency, c.local_month, 'revenue' as source
    from stg_calls as c
    cross join stg_settings as s
    left join stg_vendors as v on v.vendor_id = c.vendor_id
    left join stg_fx_rates as fx on fx.currency = v.currency and fx.month = c.local_month
    where c.revenue <> 0 and v.currency is distinct from s.base_currency and fx.rate_to_base is null
),

final as (
    select * from cost_gaps
    union all
    select * from revenue_gaps
)

select * from final
