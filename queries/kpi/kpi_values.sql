-- kpi_values
-- Grain: one row per vendor_id x period x program (program NULL unless by_program) at the grain
--   asked.
-- Definition: the volumes, then every KPI of catalogue.KPI_COLUMNS as sum(numerator) /
--   nullif(sum(denominator), 0) over the period (never an average of daily ratios); service_level
--   and fcr_rate repeat the variant and method chosen in stg_settings. The formulas are declared
--   once, in scorecard/metrics/catalogue.toml: views.py puts their select items
--   (catalogue.sql_select_list) in place of the catalogue comment below, so this file holds none.
-- Depends on: kpi_sums, stg_settings
create or replace macro kpi_values(
    grain, by_program := false, vendor_ids := null, start_date := null, end_date := null,
    cost_start := null, cost_end := null
) as table
with sums as (
    select * from kpi_sums(
        grain, by_program := by_program, vendor_ids := vendor_ids, start_date := start_date,
        end_date := end_date, cost_start := cost_start, cost_end := cost_end
    )
),

final as (
    select
        v.vendor_id,
        v.period,
        v.program,
        /* catalogue: volumes and KPIs */
    from sums as v
    cross join stg_settings as s
)

select * from final
