-- assert_program_days_sum_to_vendor_days
-- Grain: one row per vendor_id x local_date x contact component that differs (zero rows = pass).
-- Definition: a vendor-day's contact components equal the strict sum of its program-days' (the two
--   grains are two views of the same contacts).
-- Depends on: int_vendor_days, int_program_days, stg_strict_sum
create or replace view assert_program_days_sum_to_vendor_days as
with programs as (
    select vendor_id, local_date, stg_strict_sum(columns([
        'attempts', 'answered', 'abandoned', 'short_abandoned', 'answered_in_sl', 'answered_wait_s',
        'talk_s', 'transferred', 'fcr_disposition_n', 'fcr_repeat_n'
    ]))
    from int_program_days
    group by vendor_id, local_date
),

compared as (
    from programs as p
    join int_vendor_days as v using (vendor_id, local_date)
    select vendor_id, local_date, unnest([
        if(p.attempts is distinct from v.attempts, 'attempts', null),
        if(p.answered is distinct from v.answered, 'answered', null),
        if(p.abandoned is distinct from v.abandoned, 'abandoned', null),
        if(p.short_abandoned is distinct from v.short_abandoned, 'short_abandoned', null),
        if(p.answered_in_sl is distinct from v.answered_in_sl, 'answered_in_sl', null),
        if(abs(p.answered_wait_s - v.answered_wait_s) > 1e-6, 'answered_wait_s', null),
        if(abs(p.talk_s - v.talk_s) > 1e-6, 'talk_s', null),
        if(p.transferred is distinct from v.transferred, 'transferred', null),
        if(p.fcr_disposition_n is distinct from v.fcr_disposition_n, 'fcr_disposition_n', null),
        if(p.fcr_repeat_n is distinct from v.fcr_repeat_n, 'fcr_repeat_n', null)
    ]) as component
),

final as (
    select *
    from compared
    where component is not null
)

select * from final
