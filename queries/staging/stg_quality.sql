-- stg_quality
-- Grain: one row per QA evaluation (vendor_id x evaluation_id).
-- Definition: quality evaluations dated on the vendor-local date of their own evaluation time.
-- Depends on: raw_quality
create or replace view stg_quality as
with source as (
    select * from raw_quality
),

final as (
    select
        vendor_id,
        evaluation_id,
        call_id,
        agent_id,
        evaluated_at,
        cast(evaluated_at_local as date) as local_date,
        score,
        source_file,
        source_row
    from source
)

select * from final
