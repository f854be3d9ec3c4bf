-- int_vendor_contact_days
-- Grain: one row per vendor_id x local_date with contacts (call records or interval report rows).
-- Definition: the contact components of int_contact_days summed over programs (strict: NULL when
--   any program cannot give the component).
-- Depends on: int_contact_days, stg_strict_sum, stg_exact_sum
create or replace view int_vendor_contact_days as
with summed as (
    select
        vendor_id,
        local_date,
        stg_strict_sum(columns(* exclude (
            vendor_id, program, local_date, answered_wait_s, long_abandon_wait_s, talk_s, hold_s,
            acw_s, revenue_base
        ))),
        stg_exact_sum(columns([
            'answered_wait_s', 'long_abandon_wait_s', 'talk_s', 'hold_s', 'acw_s', 'revenue_base'
        ]))
    from int_contact_days
    group by vendor_id, local_date
),

final as (
    select
        vendor_id,
        local_date,
        cast(columns(* exclude (
            vendor_id, local_date, answered_wait_s, queue_wait_s, ring_s, long_abandon_wait_s,
            talk_s, hold_s, acw_s, revenue_base
        )) as bigint),
        cast(columns([
            'answered_wait_s', 'queue_wait_s', 'ring_s', 'long_abandon_wait_s', 'talk_s', 'hold_s',
            'acw_s', 'revenue_base'
        ]) as double)
    from summed
)

select * from final
