-- kpi_source_files
-- Grain: one row per vendor_id x source x source_file with rows in the scope asked.
-- Definition: the files a scope's figures come from: per source table and file, the rows whose
--   local dates overlap the scope and the first and last local date they cover (costs: billed
--   periods, which may reach outside the scope). Scope: vendor_ids (a list, NULL = all) and the
--   inclusive local-date range [start_date, end_date] (NULL = open end), bound as parameters.
-- Depends on: int_source_rows
create or replace macro kpi_source_files(
    vendor_ids := null, start_date := null, end_date := null
) as table
with scoped as (
    select *
    from int_source_rows
    where (vendor_ids is null or list_contains(vendor_ids, vendor_id))
        and (end_date is null or first_date <= cast(end_date as date))
        and (start_date is null or last_date >= cast(start_date as date))
),

final as (
    select
        vendor_id,
        source,
        source_file,
        count(*) as rows,
        min(first_date) as first_date,
        max(last_date) as last_date
    from scoped
    group by vendor_id, source, source_file
)

select * from final
