-- kpi_table
-- Grain: one row per vendor_id x period at the grain asked (day, week, month, quarter, year, all).
-- Definition: the KPI output of docs/kpis.md: vendor_id, period, the volumes, then
--   catalogue.KPI_COLUMNS. Optional scope: vendor_ids (list), start_date and end_date (inclusive
--   local dates); cost_start / cost_end limit the cost to a comparison's compared days (kpi_sums).
--   Usage: select * from kpi_table('quarter', vendor_ids := ['acme']).
-- Depends on: kpi_values
create or replace macro kpi_table(
    grain, vendor_ids := null, start_date := null, end_date := null, cost_start := null,
    cost_end := null
) as table
with kpis as (
    select * from kpi_values(
        grain, by_program := false, vendor_ids := vendor_ids, start_date := start_date,
        end_date := end_date, cost_start := cost_start, cost_end := cost_end
    )
),

final as (
    select * exclude (program)
    from kpis
)

select * from final
