-- int_quality_days
-- Grain: one row per vendor_id x program x local_date with QA evaluations (program NULL for
--   evaluations whose call_id is missing or matches no call record of the vendor).
-- Definition: qa_score_sum = sum of scores, qa_n = evaluations with a score, on the local date of
--   the evaluation.
-- Depends on: stg_quality, stg_calls
create or replace view int_quality_days as
with evaluations as (
    select q.*, c.program
    from stg_quality as q
    left join stg_calls as c on c.vendor_id = q.vendor_id and c.call_id = q.call_id
    -- one row per evaluation even if its call_id is duplicated (assert_calls_unique_per_vendor)
    qualify row_number() over (
        partition by q.vendor_id, q.source_file, q.source_row order by c.program
    ) = 1
),

final as (
    select
        vendor_id,
        program,
        local_date,
        coalesce(cast(sum(cast(score as decimal(38, 10))) as double), 0) as qa_score_sum,
        count(score) as qa_n
    from evaluations
    group by vendor_id, program, local_date
)

select * from final
