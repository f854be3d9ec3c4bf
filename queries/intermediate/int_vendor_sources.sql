-- int_vendor_sources
-- Grain: one row per vendor_id (every vendor of the workspace or with any loaded data).
-- Definition: which sources a vendor sends. A component is 0 on a day without rows of a source the
--   vendor sends and NULL for a source it never sends (no surveys: csat NULL, not 0). A vendor
--   sends revenue when a calls export of its records sales (stg_loaded_files.observed).
-- Depends on: stg_vendors, stg_calls, stg_loaded_files, stg_intervals, stg_agent_time, stg_costs,
--   int_survey_days, int_quality_days, stg_forecast
create or replace view int_vendor_sources as
with tagged as (
    select vendor_id, 'workspace' as source from stg_vendors
    union all
    select distinct vendor_id, 'calls' from stg_calls
    union all
    select distinct vendor_id, 'revenue'
    from stg_loaded_files
    where source_table = 'calls' and list_contains(observed, 'revenue')
    union all
    select distinct vendor_id, 'intervals' from stg_intervals
    union all
    select distinct vendor_id, if(program is null, 'surveys', 'linked_surveys')
    from int_survey_days
    union all
    select distinct vendor_id, if(program is null, 'quality', 'linked_quality')
    from int_quality_days
    union all
    select distinct vendor_id, 'agent_time' from stg_agent_time
    union all
    select distinct vendor_id, 'costs' from stg_costs
    union all
    select distinct vendor_id, 'forecast' from stg_forecast
),

final as (
    select
        vendor_id,
        bool_or(source in ('calls', 'revenue')) as has_calls,
        bool_or(source = 'intervals') as has_intervals,
        bool_or(source in ('calls', 'revenue', 'intervals')) as has_contacts,
        bool_or(source = 'revenue') as has_revenue,
        bool_or(source in ('surveys', 'linked_surveys')) as has_surveys,
        bool_or(source = 'linked_surveys') as has_linked_surveys,
        bool_or(source in ('quality', 'linked_quality')) as has_quality,
        bool_or(source = 'linked_quality') as has_linked_quality,
        bool_or(source = 'agent_time') as has_agent_time,
        bool_or(source = 'costs') as has_costs,
        bool_or(source = 'forecast') as has_forecast
    from tagged
    group by vendor_id
)

select * from final
