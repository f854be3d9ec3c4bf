-- assert_contacts_single_source
-- Grain: one row per vendor_id x program x local_date reported both by call records and by an
--   interval report (zero rows = pass).
-- Definition: a program-day's contacts come from one source; both would count every contact twice.
-- Depends on: int_call_days, int_interval_days
create or replace view assert_contacts_single_source as
with both_sources as (
    select c.vendor_id, c.program, c.local_date, c.answered as answered_in_calls,
        i.answered as answered_in_intervals
    from int_call_days as c
    join int_interval_days as i
        on i.vendor_id = c.vendor_id and i.program = c.program and i.local_date = c.local_date
),

final as (
    select *
    from both_sources
)

select * from final
