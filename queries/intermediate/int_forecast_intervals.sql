-- int_forecast_intervals
-- Grain: one row per forecast interval (stg_forecast) on a local date with contacts of the vendor.
-- Definition: the client's forecast beside what happened in [interval_start, interval_end): call
--   records that arrived in it and interval-report rows that start in it (a report's intervals must
--   nest in the forecast's), under the workspace thresholds. offered = answered + abandoned +
--   self-service; handle_s = talk + hold + ACW of answered calls; queue_wait_s = Σ wait of answered
--   and abandoned calls; staffed_s = the reports' staffed seconds (NULL without them). NULL where a
--   report cannot tell.
-- Depends on: stg_forecast, stg_calls, stg_intervals, stg_settings, int_vendor_contact_days,
--   stg_strict_sum
create or replace view int_forecast_intervals as
with forecast as (
    select f.* from stg_forecast as f
    semi join int_vendor_contact_days as d
        on d.vendor_id = f.vendor_id and d.local_date = f.local_date
),

from_calls as (
    select f.vendor_id, f.program, f.interval_start,
        count(*) filter (c.outcome in ('answered', 'abandoned', 'self_service')) as offered,
        count(*) filter (c.outcome = 'answered') as answered,
        count(*) filter (c.outcome = 'abandoned') as abandoned,
        count(*) filter (c.outcome = 'answered' and c.wait_s <= s.sl_threshold_s) as answered_in_sl,
        count(*) filter (c.outcome = 'abandoned' and c.wait_s < s.short_abandon_s)
            as short_abandoned,
        stg_strict_sum(if(c.outcome = 'answered', c.talk_s + c.hold_s + c.acw_s, 0)) as handle_s,
        stg_strict_sum(if(c.outcome in ('answered', 'abandoned'), c.wait_s, 0)) as queue_wait_s
    from forecast as f
    cross join stg_settings as s
    join stg_calls as c on c.vendor_id = f.vendor_id and c.program = f.program
        and c.arrived_at >= f.interval_start and c.arrived_at < f.interval_end
    group by all
),

from_reports as (
    select f.vendor_id, f.program, f.interval_start,
        stg_strict_sum(i.answered + i.abandoned + i.self_service) as offered,
        stg_strict_sum(i.answered) as answered, stg_strict_sum(i.abandoned) as abandoned,
        stg_strict_sum(if(i.sl_threshold_s = s.sl_threshold_s, i.answered_in_sl, null))
            as answered_in_sl,
        stg_strict_sum(case when s.short_abandon_s <= 0 then 0
            when i.short_abandon_s = s.short_abandon_s then i.short_abandoned end)
            as short_abandoned,
        stg_strict_sum(i.talk_s + i.hold_s + i.acw_s) as handle_s,
        stg_strict_sum(i.answered_wait_s + i.abandoned_wait_s) as queue_wait_s,
        stg_strict_sum(i.staffed_s) as staffed_s
    from forecast as f
    cross join stg_settings as s
    join stg_intervals as i on i.vendor_id = f.vendor_id and i.program = f.program
        and i.interval_start >= f.interval_start and i.interval_start < f.interval_end
    group by all
),

actuals as (
    select vendor_id, program, interval_start,
        stg_strict_sum(columns(* exclude (vendor_id, program, interval_start)))
    from (from from_calls union all by name from from_reports)
    group by all
),

final as (
    select f.vendor_id, f.program, f.interval_start, f.interval_start_local, f.local_date,
        f.interval_s, f.forecast_offered, f.forecast_aht_s, f.required_staff,
        cast(if(a.vendor_id is null, 0, a.offered) as bigint) as offered,
        cast(if(a.vendor_id is null, 0, a.answered) as bigint) as answered,
        cast(if(a.vendor_id is null, 0, a.abandoned) as bigint) as abandoned,
        cast(if(a.vendor_id is null, 0, a.answered_in_sl) as bigint) as answered_in_sl,
        cast(if(a.vendor_id is null, 0, a.short_abandoned) as bigint) as short_abandoned,
        cast(if(a.vendor_id is null, 0, a.handle_s) as double) as handle_s,
        cast(if(a.vendor_id is null, 0, a.queue_wait_s) as double) as queue_wait_s,
        cast(a.staffed_s as double) as staffed_s
    from forecast as f
    left join actuals as a on a.vendor_id = f.vendor_id and a.program = f.program
        and a.interval_start = f.interval_start
)

select * from final
