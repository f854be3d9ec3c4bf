-- assert_kpi_rates_in_range
-- Grain: one row per vendor_id x local day x rate KPI outside [0, 1] (zero rows = pass).
-- Definition: every KPI whose unit is a rate (kpi_columns), computed per day, is a fraction
--   between 0 and 1.
-- Depends on: kpi_table, kpi_columns
create or replace view assert_kpi_rates_in_range as
with days as (
    select * from kpi_table('day')
),

daily as (
    from days
    unpivot (value for kpi in (columns(* exclude (vendor_id, period))))
),

final as (
    select d.vendor_id, d.period, d.kpi, d.value
    from daily as d
    join kpi_columns as k on k.name = d.kpi and k.kind = 'kpi' and k.unit = 'rate'
    where d.value < 0 or d.value > 1
)

select * from final
