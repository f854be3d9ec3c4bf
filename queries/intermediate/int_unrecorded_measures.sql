-- int_unrecorded_measures
-- Grain: one row per vendor_id x component that an export of the vendor does not record.
-- Definition: why a component is unknown because of what the vendor's exports can see, worded for
--   people: for calls, an outcome the export cannot tell apart (stg_loaded_files.observed; e.g. a
--   CDR export without busy signals does not record blocked calls) or sales it does not read; for
--   interval reports, a count or sum that is empty in every row of the export's files, and always
--   the calls that had to wait and ring time (a report cannot count them); ring time for a calls
--   export whose answered calls have no ring_s. `exports` names each such export by its table,
--   format and `files` glob.
-- Depends on: stg_loaded_files, stg_vendors, stg_intervals, stg_calls
create or replace view int_unrecorded_measures as
with measures (measure, component, label) as (
    values
        ('answered', 'answered', 'answered calls'),
        ('abandoned', 'abandoned', 'abandoned calls'),
        ('blocked', 'blocked', 'blocked calls (busy signals); if the line cannot be busy, declare '
            || 'no_blocking = true on the export'),
        ('self_service', 'self_service', 'calls that ended in the IVR (self-service)'),
        ('revenue', 'sales', 'sales (revenue)'),
        ('revenue', 'revenue_base', 'sales (revenue)')
),

call_gaps as (
    select f.vendor_id, m.component, m.label,
        f.source_table || ' export (' || f.format || ', ' || f.export_files || ')' as export_name
    from stg_loaded_files as f
    join measures as m on not list_contains(f.observed, m.measure)
    where f.source_table = 'calls'
),

interval_columns as (
    from stg_intervals
    unpivot include nulls (value for component in (
        answered, abandoned, blocked, self_service, transferred, answered_wait_s, talk_s, hold_s,
        acw_s
    ))
),

interval_gaps as (
    select i.vendor_id, i.component, i.component || ' (empty in every row)' as label,
        'intervals export (' || f.format || ', ' || f.export_files || ')' as export_name
    from interval_columns as i
    join stg_loaded_files as f
        on f.vendor_id = i.vendor_id and f.export_key = i.export_key
        and f.source_file = i.source_file
    group by all
    having count(i.value) = 0
),

never_in_intervals as (
    select distinct f.vendor_id, m.component, m.label,
        'intervals export (' || f.format || ', ' || f.export_files || ')' as export_name
    from stg_loaded_files as f, (values ('waited', 'the calls that had to wait'),
        ('ring_s', 'ring time')) as m (component, label) where f.source_table = 'intervals'
),

calls_without_ring as (
    select c.vendor_id, 'ring_s' as component, 'ring time (ring_s) of every answered call' as label,
        'calls export (' || f.format || ', ' || f.export_files || ')' as export_name
    from stg_calls as c
    join stg_loaded_files as f
        on f.vendor_id = c.vendor_id and f.export_key = c.export_key
        and f.source_file = c.source_file
    where c.outcome = 'answered' and c.ring_s is null
    group by all
),

final as (
    select g.vendor_id, g.component,
        'the ' || string_agg(distinct g.export_name, ' and ' order by g.export_name)
            || ' of ' || coalesce(v.vendor_name, g.vendor_id)
            || ' does not record ' || min(g.label) as reason
    from (from call_gaps union all from interval_gaps union all from never_in_intervals
        union all from calls_without_ring) as g
    left join stg_vendors as v on v.vendor_id = g.vendor_id
    group by g.vendor_id, g.component, v.vendor_name
)

select * from final
