-- kpi_reported
-- Grain: one row per vendor-reported KPI figure (vendor_id x source_file x source_row) whose
--   period overlaps the scope asked.
-- Definition: the vendor's own figures under its own definition, as a reporting adapter stored
--   them: program (NULL = all programs), the inclusive local-date period, the KPI id and the value
--   as reported. Scope: vendor_ids (a list, NULL = all) and [start_date, end_date] (NULL = open
--   end), bound as parameters; scorecard.reported recomputes ours over the same days.
-- Depends on: reported_kpis
create or replace macro kpi_reported(
    vendor_ids := null, start_date := null, end_date := null
) as table
with scoped as (
    select *
    from reported_kpis
    where (vendor_ids is null or list_contains(vendor_ids, vendor_id))
        and (end_date is null or period_start <= cast(end_date as date))
        and (start_date is null or period_end >= cast(start_date as date))
),

final as (
    select
        vendor_id,
        program,
        period_start,
        period_end,
        kpi,
        value as reported,
        definition,
        source_file,
        source_row
    from scoped
)

select * from final
