-- int_interval_attainment
-- Grain: one row per vendor_id x interval_start_local (a 30-minute vendor-local interval).
-- Definition: service-level components per 30-minute interval, all programs together: call records
--   bucketed by arrived_at_local, interval-report rows by interval_start_local (a 60-minute row
--   stays one interval); strict sums; service_level under the workspace variant, NULL when a
--   report's thresholds differ from the workspace's (as in int_interval_days).
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
        m.vendor_id,
        m.interval_start_local,
        cast(m.interval_start_local as date) as local_date,
        m.answered + m.abandoned as queued,
        m.* exclude (vendor_id, interval_start_local),
        case s.sl_variant
            when 'positive' then m.answered_in_sl + m.abandoned_in_sl
            else m.answered_in_sl
        end as sl_numerator,
        case s.sl_variant
            when 'answered_only' then m.answered
            when 'ignore_early_abandons' then m.answered + m.abandoned - m.abandoned_in_sl
            when 'positive' then m.answered + m.abandoned
            else m.answered + m.abandoned - m.short_abandoned
        end as sl_denominator,
        sl_numerator / nullif(sl_denominator, 0) as service_level
    from summed as m
    cross join stg_settings as s
)

select * from final
