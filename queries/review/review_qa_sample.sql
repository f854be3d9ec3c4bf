-- review_qa_sample
-- Grain: one row (the vendor and local-date range asked).
-- Definition: the QA evaluations behind a review's qa_score interval: their count, mean score and
--   sample standard deviation (NULL with fewer than two) over the inclusive local dates
--   [start_date, end_date]; vendor and dates are bound as parameters.
-- Depends on: stg_quality
create or replace macro review_qa_sample(vendor, start_date, end_date) as table
with scoped as (
    select score
    from stg_quality
    where vendor_id = vendor
        and local_date between cast(start_date as date) and cast(end_date as date)
),

final as (
    select
        count(score) as n,
        avg(score) as mean_score,
        stddev_samp(score) as sd_score
    from scoped
)

select * from final
