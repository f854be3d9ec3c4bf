-- int_call_repeats
-- Grain: one row per call with a caller_key (vendor_id x call_id).
-- Definition: repeat-contact FCR (docs/kpis.md, repeat): an answered call with a caller_key
--   is resolved unless the same caller_key calls the same vendor again (whatever the outcome)
--   within fcr_repeat_days after it. "After" is strictly later: two calls of one caller at the
--   same instant are not repeats of each other (a duplicate record, not a second contact), and
--   the result does not depend on how such calls would be ordered. Kept apart from
--   int_call_components so that the sort carries only the columns it needs.
-- Depends on: stg_calls, stg_settings
create or replace view int_call_repeats as
with keyed as (
    select
        vendor_id,
        program,
        local_date,
        outcome = 'answered' as is_answered,
        arrived_at,
        first_value(arrived_at) over (
            partition by vendor_id, caller_key order by arrived_at
            range between interval 1 microsecond following and unbounded following
        ) as next_caller_arrived_at
    from stg_calls
    where caller_key is not null
),

final as (
    select
        k.vendor_id,
        k.program,
        k.local_date,
        cast(k.is_answered and (
            k.next_caller_arrived_at is null
            or k.next_caller_arrived_at > k.arrived_at + to_days(s.fcr_repeat_days)
        ) as bigint) as fcr_repeat_resolved,
        cast(k.is_answered as bigint) as fcr_repeat_n
    from keyed as k
    cross join stg_settings as s
)

select * from final
