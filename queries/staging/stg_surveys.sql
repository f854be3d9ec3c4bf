-- stg_surveys
-- Grain: one row per survey (vendor_id x survey_id).
-- Definition: post-call surveys dated on the vendor-local date of their own response time.
-- Depends on: raw_surveys
create or replace view stg_surveys as
with source as (
    select * from raw_surveys
),

final as (
    select
        vendor_id,
        survey_id,
        call_id,
        responded_at,
        cast(responded_at_local as date) as local_date,
        csat,
        resolved as is_resolved,
        source_file,
        source_row
    from source
)

select * from final
