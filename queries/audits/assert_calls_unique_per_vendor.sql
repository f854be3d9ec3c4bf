-- assert_calls_unique_per_vendor
-- Grain: one row per vendor_id x call_id loaded more than once (zero rows = pass).
-- Definition: call_id is unique per vendor (docs/tables.md, `calls`); duplicates would count a
--   call twice and attach its surveys twice.
-- Depends on: stg_calls
create or replace view assert_calls_unique_per_vendor as
with counted as (
    select
        vendor_id,
        call_id,
        count(*) as copies,
        list(source_file || ':' || source_row order by source_file, source_row) as sources
    from stg_calls
    group by vendor_id, call_id
),

final as (
    select *
    from counted
    where copies > 1
)

select * from final
