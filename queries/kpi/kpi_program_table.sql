-- kpi_program_table
-- Grain: one row per vendor_id x period x program at the grain asked.
-- Definition: the KPI output (docs/kpis.md) by program: vendor_id, period, program, volumes, then
--   catalogue.KPI_COLUMNS. Agent time and costs have no program, so their KPIs are NULL here.
--   Usage: select * from kpi_program_table('month', start_date := date '2026-01-01').
-- Depends on: kpi_values
create or replace macro kpi_program_table(
    grain, vendor_ids := null, start_date := null, end_date := null, cost_start := null,
    cost_end := null
) as table
with kpis as (
    select * from kpi_values(
        grain, by_program := true, vendor_ids := vendor_ids, start_date := start_date,
        end_date := end_date, cost_start := cost_start, cost_end := cost_end
    )
),

final as (
    select *
    from kpis
)

select * from final
