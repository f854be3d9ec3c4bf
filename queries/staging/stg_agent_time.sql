-- stg_agent_time
-- Grain: one row per vendor_id x agent_id x local_date.
-- Definition: agent schedule and state seconds; `date` is already the vendor-local date.
-- Depends on: raw_agent_time
create or replace view stg_agent_time as
with source as (
    select * from raw_agent_time
),

final as (
    select
        vendor_id,
        agent_id,
        "date" as local_date,
        scheduled_s,
        staffed_s,
        handle_s,
        available_s,
        in_adherence_s,
        source_file,
        source_row
    from source
)

select * from final
