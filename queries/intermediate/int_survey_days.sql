-- int_survey_days
-- Grain: one row per vendor_id x program x local_date with surveys (program NULL for surveys whose
--   call_id is missing or matches no call record of the vendor).
-- Definition: survey counts on the local date of the response: fcr_survey_resolved = resolved =
--   yes, fcr_survey_n = surveys answering the resolved question, csat_satisfied = csat >= 4, csat_n
--   = surveys with a csat score.
-- Depends on: stg_surveys, stg_calls
create or replace view int_survey_days as
with surveys as (
    select s.*, c.program
    from stg_surveys as s
    left join stg_calls as c on c.vendor_id = s.vendor_id and c.call_id = s.call_id
    -- one row per survey even if its call_id is duplicated (assert_calls_unique_per_vendor)
    qualify row_number() over (
        partition by s.vendor_id, s.source_file, s.source_row order by c.program
    ) = 1
),

final as (
    select
        vendor_id,
        program,
        local_date,
        count(*) filter (where is_resolved) as fcr_survey_resolved,
        count(is_resolved) as fcr_survey_n,
        count(*) filter (where csat >= 4) as csat_satisfied,
        count(csat) as csat_n
    from surveys
    group by vendor_id, program, local_date
)

select * from final
