-- int_interval_attainment
-- Grain: one row per vendor_id x interval_start_local (a 30-minute vendor-local interval).
-- Definition: service-level components per 30-minute interval, all programs together: call records
--   bucketed by arrived_at_local, interval-report rows by interval_start_local (a 60-minute row
--   stays one interval); strict sums; answered_in_sl / abandoned_in_sl NULL when a report's
--   threshold differs from the workspace's (as in int_interval_days). kpi_interval_service turns
--   them into the service level under a variant: the one definition for the review and the app.
-- Depends on: stg_calls, stg_intervals, stg_settings, stg_strict_sum
create or replace view int_interval_attainment as
with calls as (
    select
        c.vendor_id,
        time_bucket(interval 30 minutes, c.arrived_at_local) as interval_start_local,
        cast(c.outcome = 'answered' as bigint) as answered,
        cast(c.outcome = 'abandoned' as bigint) as abandoned,
        if(c.outcome = 'answered', cast(c.wait_s <= s.sl_threshold_s as bigint), 0)
            as answered_in_sl,
        if(c.outcome = 'abandoned', cast(c.wait_s <= s.sl_threshold_s as bigint), 0)
            as abandoned_in_sl,
        if(c.outcome = 'abandoned', cast(c.wait_s < s.short_abandon_s as bigint), 0)
            as short_abandoned
    from stg_calls as c
    cross join stg_settings as s
    where c.outcome in ('answered', 'abandoned')
),

reports as (
    select
        i.vendor_id,
        time_bucket(interval 30 minutes, i.interval_start_local) as interval_start_local,
        i.answered,
        i.abandoned,
        if(i.sl_threshold_s = s.sl_threshold_s, i.answered_in_sl, null) as answered_in_sl,
        if(i.sl_threshold_s = s.sl_threshold_s, i.abandoned_in_sl, null) as abandoned_in_sl,
        case
            when s.short_abandon_s <= 0 then 0
            when i.short_abandon_s = s.short_abandon_s then i.short_abandoned
        end as short_abandoned
    from stg_intervals as i
    cross join stg_settings as s
),

sources as (
    select * from calls
    union all
    select * from reports
),

summed as (
    select
        vendor_id,
        interval_start_local,
        cast(stg_strict_sum(columns(* exclude (vendor_id, interval_start_local))) as bigint)
    from sources
    group by vendor_id, interval_start_local
),

final as (
    select
        vendor_id,
        interval_start_local,
        cast(interval_start_local as date) as local_date,
        answered + abandoned as queued,
        * exclude (vendor_id, interval_start_local)
    from summed
)

select * from final
