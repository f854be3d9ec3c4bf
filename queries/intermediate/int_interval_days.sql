-- int_interval_days
-- Grain: one row per vendor_id x program x local_date with at least one interval report row.
-- Definition: strict sums of interval counts and seconds. A report whose sl_threshold_s differs
--   from the workspace's cannot give answered_in_sl / abandoned_in_sl (NULL); one whose
--   short_abandon_s differs (or is NULL) cannot give short_abandoned (NULL) unless the workspace
--   threshold is 0 (nothing waits < 0 s); long_abandon_wait_s is known only where short_abandoned
--   is known to be 0. Interval reports carry no revenue, dispositions, caller keys, ring time or
--   count of the calls that waited (NULL); queue_wait_s is answered plus abandoned wait.
-- Depends on: stg_intervals, stg_settings, stg_strict_sum, stg_exact_sum
create or replace view int_interval_days as
with intervals as (
    select
        i.*,
        case
            when s.short_abandon_s <= 0 then 0
            when i.short_abandon_s = s.short_abandon_s then i.short_abandoned
        end as workspace_short_abandoned,
        i.sl_threshold_s = s.sl_threshold_s as is_workspace_sl
    from stg_intervals as i
    cross join stg_settings as s
),

summed as (
    select
        vendor_id,
        program,
        local_date,
        stg_strict_sum(answered) as answered,
        stg_strict_sum(abandoned) as abandoned,
        stg_strict_sum(blocked) as blocked,
        stg_strict_sum(self_service) as self_service,
        stg_strict_sum(if(is_workspace_sl, answered_in_sl, null)) as answered_in_sl,
        stg_strict_sum(if(is_workspace_sl, abandoned_in_sl, null)) as abandoned_in_sl,
        stg_strict_sum(workspace_short_abandoned) as short_abandoned,
        stg_exact_sum(answered_wait_s) as answered_wait_s,
        stg_exact_sum(answered_wait_s + abandoned_wait_s) as queue_wait_s,
        stg_exact_sum(if(workspace_short_abandoned = 0, abandoned_wait_s, null))
            as long_abandon_wait_s,
        stg_exact_sum(talk_s) as talk_s,
        stg_exact_sum(hold_s) as hold_s,
        stg_exact_sum(acw_s) as acw_s,
        stg_strict_sum(transferred) as transferred
    from intervals
    group by vendor_id, program, local_date
),

final as (
    select
        vendor_id,
        program,
        local_date,
        cast(columns(* exclude (
            vendor_id, program, local_date, answered_wait_s, queue_wait_s, long_abandon_wait_s,
            talk_s, hold_s, acw_s
        )) as bigint),
        cast(columns([
            'answered_wait_s', 'queue_wait_s', 'long_abandon_wait_s', 'talk_s', 'hold_s', 'acw_s'
        ]) as double),
        cast(null as bigint) as waited,
        cast(null as double) as ring_s,
        cast(null as bigint) as sales,
        cast(null as double) as revenue_base,
        cast(null as bigint) as fcr_disposition_resolved,
        cast(null as bigint) as fcr_disposition_n,
        cast(null as bigint) as fcr_repeat_resolved,
        cast(null as bigint) as fcr_repeat_n
    from summed
)

select * from final
