-- int_source_rows
-- Grain: one row per loaded source row (vendor_id x source x source_file x source_row).
-- Definition: provenance of every row the KPIs read: the source table it was loaded into, its
--   file and 1-based row, and the local dates it covers: [first_date, last_date] is its local date
--   for calls, intervals, surveys, quality and agent time, the billed period for costs.
-- Depends on: stg_calls, stg_intervals, stg_surveys, stg_quality, stg_agent_time, stg_costs
create or replace view int_source_rows as
with dated as (
    select vendor_id, 'calls' as source, source_file, source_row, local_date from stg_calls
    union all
    select vendor_id, 'intervals', source_file, source_row, local_date from stg_intervals
    union all
    select vendor_id, 'surveys', source_file, source_row, local_date from stg_surveys
    union all
    select vendor_id, 'quality', source_file, source_row, local_date from stg_quality
    union all
    select vendor_id, 'agent_time', source_file, source_row, local_date from stg_agent_time
),

final as (
    select
        vendor_id,
        source,
        source_file,
        source_row,
        local_date as first_date,
        local_date as last_date
    from dated
    union all
    select
        vendor_id,
        'costs' as source,
        source_file,
        source_row,
        period_start as first_date,
        period_end as last_date
    from stg_costs
)

select * from final
