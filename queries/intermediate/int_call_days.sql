-- int_call_days
-- Grain: one row per vendor_id x program x local_date with at least one call record.
-- Definition: strict sums of int_call_components (seconds and revenue summed as exact
--   decimal(38, 10), so a rebuild gives the same bits whatever order threads add calls in),
--   and the repeat-contact FCR counts of int_call_repeats (0 on a day without calls that have a
--   caller_key); queued, offered, attempts and handled are derived in int_contact_days.
--   Materialised as a table: apply_views builds it whole when the SQL changes, and load.ingest
--   refreshes a vendor's rows after loading its files, so the per-call work runs once per change;
--   a read-only application without the table makes a temporary view instead.
-- Depends on: int_call_components, int_call_repeats, stg_strict_sum
create or replace table int_call_days as
with components as (
    select
        * exclude (
            call_id, local_month, currency, rate_to_base,
            answered_wait_s, queue_wait_s, ring_s, long_abandon_wait_s, talk_s, hold_s, acw_s,
            revenue_base
        ),
        cast(columns([
            'answered_wait_s', 'queue_wait_s', 'ring_s', 'long_abandon_wait_s', 'talk_s', 'hold_s',
            'acw_s', 'revenue_base'
        ]) as decimal(38, 10))
    from int_call_components
),

summed as (
    select
        vendor_id,
        program,
        local_date,
        stg_strict_sum(columns(* exclude (vendor_id, program, local_date)))
    from components
    group by vendor_id, program, local_date
),

repeats as (
    select
        vendor_id,
        program,
        local_date,
        sum(fcr_repeat_resolved) as fcr_repeat_resolved,
        sum(fcr_repeat_n) as fcr_repeat_n
    from int_call_repeats
    group by vendor_id, program, local_date
),

final as (
    select
        s.vendor_id,
        s.program,
        s.local_date,
        cast(columns(s.* exclude (
            vendor_id, program, local_date, answered_wait_s, queue_wait_s, ring_s,
            long_abandon_wait_s, talk_s, hold_s, acw_s, revenue_base
        )) as bigint),
        cast(coalesce(r.fcr_repeat_resolved, 0) as bigint) as fcr_repeat_resolved,
        cast(coalesce(r.fcr_repeat_n, 0) as bigint) as fcr_repeat_n,
        cast(columns([
            'answered_wait_s', 'queue_wait_s', 'ring_s', 'long_abandon_wait_s', 'talk_s', 'hold_s',
            'acw_s', 'revenue_base'
        ]) as double)
    from summed as s
    left join repeats as r
        on r.vendor_id = s.vendor_id and r.program = s.program and r.local_date = s.local_date
)

select * from final
