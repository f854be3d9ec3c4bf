-- int_cost_spread
-- Grain: one row per cost line x local_date of its period (inclusive of both ends).
-- Definition: each cost amount spread evenly over the days of [period_start, period_end] and
--   converted at the rate of each day's month (the base currency needs no rate: 1); a missing rate
--   leaves cost_base NULL (assert_fx_rates_cover_costs names the currency and month).
-- Depends on: stg_costs, stg_vendors, stg_settings, stg_fx_rates
create or replace view int_cost_spread as
with costs as (
    select c.*, v.currency, s.base_currency
    from stg_costs as c
    cross join stg_settings as s
    left join stg_vendors as v on v.vendor_id = c.vendor_id
),

days as (
    select
        vendor_id,
        source_file,
        source_row,
        currency,
        base_currency,
        amount / period_days as amount_per_day,
        cast(unnest(generate_series(period_start, period_end, interval 1 day)) as date)
            as local_date
    from costs
),

rated as (
    select
        d.*,
        strftime(d.local_date, '%Y-%m') as local_month,
        case
            when d.currency = d.base_currency then 1::double
            else fx.rate_to_base
        end as rate_to_base
    from days as d
    left join stg_fx_rates as fx
        on fx.currency = d.currency and fx.month = strftime(d.local_date, '%Y-%m')
),

final as (
    select
        vendor_id,
        source_file,
        source_row,
        local_date,
        currency,
        local_month,
        amount_per_day,
        rate_to_base,
        amount_per_day * rate_to_base as cost_base
    from rated
)

select * from final
