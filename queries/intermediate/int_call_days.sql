-- int_call_days
-- Grain: one row per vendor_id x program x local_date with at least one call record.
-- Definition: strict sums of int_call_components (base counts; queued, offered, attempts and
--   handled are derived in int_contact_days).
-- Depends on: int_call_components, stg_strict_sum
create or replace view int_call_days as
with components as (
    select * exclude (call_id, local_month, currency, rate_to_base)
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

final as (
    select
        vendor_id,
        program,
        local_date,
        cast(columns(* exclude (
            vendor_id, program, local_date, answered_wait_s, long_abandon_wait_s,
            talk_s, hold_s, acw_s, revenue_base
        )) as bigint),
        cast(columns([
            'answered_wait_s', 'long_abandon_wait_s', 'talk_s', 'hold_s', 'acw_s', 'revenue_base'
        ]) as double)
    from summed
)

select * from final
