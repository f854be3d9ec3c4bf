-- review_price_volumes
-- Grain: one row per local month with contact, agent-time or cost data of the vendor asked.
-- Definition: what a price model bills per vendor-local month: handled, answered, offered and
--   self-service calls and handled seconds (talk + hold + acw of answered calls) from
--   mart_vendor_days, productive (logged-in) seconds = Σ staffed_s of stg_agent_time, revenue
--   in the vendor currency from stg_calls; strict sums, NULL for a source the vendor does not
--   send (unknown, not zero). vendor is bound as a parameter.
-- Depends on: mart_vendor_days, stg_agent_time, stg_calls, int_vendor_sources, stg_strict_sum
create or replace macro review_price_volumes(vendor) as table
with days as (
    select
        strftime(local_date, '%Y-%m') as month,
        stg_strict_sum(handled) as handled,
        stg_strict_sum(answered) as answered,
        stg_strict_sum(offered) as offered,
        stg_strict_sum(self_service) as self_service,
        stg_strict_sum(talk_s + hold_s + acw_s) as handle_s
    from mart_vendor_days
    where vendor_id = vendor
    group by 1
),

agents as (
    select strftime(local_date, '%Y-%m') as month, stg_strict_sum(staffed_s) as productive_s
    from stg_agent_time
    where vendor_id = vendor
    group by 1
),

revenue as (
    select local_month as month, sum(coalesce(revenue, 0)) as revenue
    from stg_calls
    where vendor_id = vendor
    group by 1
),

final as (
    select
        d.month,
        cast(d.handled as bigint) as handled,
        cast(d.answered as bigint) as answered,
        cast(d.offered as bigint) as offered,
        cast(d.self_service as bigint) as self_service,
        cast(d.handle_s as double) as handle_s,
        cast(if(f.has_agent_time, coalesce(a.productive_s, 0), null) as double) as productive_s,
        cast(if(f.has_revenue, coalesce(r.revenue, 0), null) as double) as revenue
    from days as d
    join int_vendor_sources as f on f.vendor_id = vendor
    left join agents as a using (month)
    left join revenue as r using (month)
)

select * from final
