-- review_price_volumes
-- Grain: one row per local month with contact, agent-time or cost data of the vendor asked.
-- Definition: what a price model bills per vendor-local month: handled, answered, offered and
--   self-service calls, handled seconds (talk + hold + acw of answered calls) and revenue from
--   mart_vendor_days (revenue back in the vendor currency at the month's rate), productive
--   (logged-in) seconds = Σ staffed_s of stg_agent_time; strict sums, NULL for a source the
--   vendor does not send (unknown, not zero), and NULL in a month without any of its rows (a month
--   billed after the last calls file has no recorded calls, not 0). vendor is bound as a parameter.
-- Depends on: mart_vendor_days, int_call_days, stg_intervals, stg_agent_time, stg_vendors,
--   stg_settings, stg_fx_rates, int_vendor_sources, stg_strict_sum
create or replace macro review_price_volumes(vendor) as table
with days as (
    select
        strftime(local_date, '%Y-%m') as month,
        stg_strict_sum(handled) as handled,
        stg_strict_sum(answered) as answered,
        stg_strict_sum(offered) as offered,
        stg_strict_sum(self_service) as self_service,
        stg_strict_sum(talk_s + hold_s + acw_s) as handle_s,
        stg_strict_sum(revenue_base) as revenue_base
    from mart_vendor_days
    where vendor_id = vendor
    group by 1
),

contact_months as (
    select distinct strftime(local_date, '%Y-%m') as month
    from int_call_days
    where vendor_id = vendor
    union
    select distinct strftime(local_date, '%Y-%m') from stg_intervals where vendor_id = vendor
),

agents as (
    select strftime(local_date, '%Y-%m') as month, stg_strict_sum(staffed_s) as productive_s
    from stg_agent_time
    where vendor_id = vendor
    group by 1
),

rates as (
    select d.month, if(v.currency = s.base_currency, 1::double, fx.rate_to_base) as rate_to_base
    from days as d
    join stg_vendors as v on v.vendor_id = vendor
    cross join stg_settings as s
    left join stg_fx_rates as fx on fx.currency = v.currency and fx.month = d.month
),

final as (
    select
        d.month,
        cast(if(c.month is null, null, d.handled) as bigint) as handled,
        cast(if(c.month is null, null, d.answered) as bigint) as answered,
        cast(if(c.month is null, null, d.offered) as bigint) as offered,
        cast(if(c.month is null, null, d.self_service) as bigint) as self_service,
        cast(if(c.month is null, null, d.handle_s) as double) as handle_s,
        cast(if(f.has_agent_time, a.productive_s, null) as double) as productive_s,
        cast(if(c.month is null, null, d.revenue_base / r.rate_to_base) as double) as revenue
    from days as d
    join int_vendor_sources as f on f.vendor_id = vendor
    join rates as r using (month)
    left join agents as a using (month)
    left join contact_months as c using (month)
)

select * from final
