-- stg_calls
-- Grain: one row per call (vendor_id x call_id).
-- Definition: call records with the vendor-local date and month and `is_` booleans.
-- Depends on: raw_calls
create or replace view stg_calls as
with source as (
    select * from raw_calls
),

final as (
    select
        vendor_id,
        call_id,
        coalesce(program, '(none)') as program,
        arrived_at,
        arrived_at_local,
        cast(arrived_at_local as date) as local_date,
        strftime(arrived_at_local, '%Y-%m') as local_month,
        outcome,
        wait_s,
        talk_s,
        hold_s,
        acw_s,
        ring_s,
        transferred as is_transferred,
        resolved as is_resolved,
        caller_key,
        agent_id,
        revenue,
        export_key,
        source_file,
        source_row
    from source
)

select * from final
