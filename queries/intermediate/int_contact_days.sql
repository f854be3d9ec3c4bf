-- int_contact_days
-- Grain: one row per vendor_id x program x local_date with call records or interval report rows.
-- Definition: call and interval sources unified into the same contact components (strict sums of
--   both), with queued = answered + abandoned, offered = queued + self_service, attempts = offered
--   + blocked, handled = answered + self_service.
-- Depends on: int_call_days, int_interval_days, stg_strict_sum, stg_exact_sum
create or replace view int_contact_days as
with sources as (
    select * from int_call_days
    union all by name
    select * from int_interval_days
),

summed as (
    select
        vendor_id,
        program,
        local_date,
        stg_strict_sum(columns(* exclude (
            vendor_id, program, local_date, answered_wait_s, long_abandon_wait_s, talk_s, hold_s,
            acw_s, revenue_base
        ))),
        stg_exact_sum(columns([
            'answered_wait_s', 'long_abandon_wait_s', 'talk_s', 'hold_s', 'acw_s', 'revenue_base'
        ]))
    from sources
    group by vendor_id, program, local_date
),

final as (
    select
        vendor_id,
        program,
        local_date,
        cast(answered + abandoned + self_service + blocked as bigint) as attempts,
        cast(answered + abandoned + self_service as bigint) as offered,
        cast(answered + abandoned as bigint) as queued,
        cast(answered as bigint) as answered,
        cast(abandoned as bigint) as abandoned,
        cast(short_abandoned as bigint) as short_abandoned,
        cast(blocked as bigint) as blocked,
        cast(self_service as bigint) as self_service,
        cast(answered + self_service as bigint) as handled,
        cast(answered_in_sl as bigint) as answered_in_sl,
        cast(abandoned_in_sl as bigint) as abandoned_in_sl,
        cast(answered_wait_s as double) as answered_wait_s,
        cast(waited as bigint) as waited,
        cast(queue_wait_s as double) as queue_wait_s,
        cast(ring_s as double) as ring_s,
        cast(long_abandon_wait_s as double) as long_abandon_wait_s,
        cast(talk_s as double) as talk_s,
        cast(hold_s as double) as hold_s,
        cast(acw_s as double) as acw_s,
        cast(transferred as bigint) as transferred,
        cast(sales as bigint) as sales,
        cast(revenue_base as double) as revenue_base,
        cast(fcr_disposition_resolved as bigint) as fcr_disposition_resolved,
        cast(fcr_disposition_n as bigint) as fcr_disposition_n,
        cast(fcr_repeat_resolved as bigint) as fcr_repeat_resolved,
        cast(fcr_repeat_n as bigint) as fcr_repeat_n
    from summed
)

select * from final
