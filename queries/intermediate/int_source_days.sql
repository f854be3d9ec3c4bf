-- int_source_days
-- Grain: one row per vendor_id x source x local_date with at least one row of that source.
-- Definition: data coverage: the rows of each source table per vendor-local day (costs: the cost
--   rows whose billed period covers the day, so a monthly invoice counts on each of its days).
--   Gaps mean no export for that day.
-- Depends on: int_source_rows
create or replace view int_source_days as
with single_days as (
    select vendor_id, source, first_date as local_date
    from int_source_rows
    where first_date = last_date
),

spread_days as (
    select r.vendor_id, r.source, cast(d.day_at as date) as local_date
    from int_source_rows as r,
        unnest(generate_series(r.first_date, r.last_date, interval 1 day)) as d(day_at)
    where r.first_date < r.last_date
),

final as (
    select vendor_id, source, local_date, count(*) as rows
    from (
        select * from single_days
        union all
        select * from spread_days
    )
    group by vendor_id, source, local_date
)

select * from final
