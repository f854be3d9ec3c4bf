-- assert_kpi_rates_in_range
-- Grain: one row per vendor_id x local day x rate KPI outside [0, 1] (zero rows = pass).
-- Definition: every `_rate` KPI and service level, computed per day, is a fraction between 0 and 1.
-- Depends on: kpi_table
create or replace view assert_kpi_rates_in_range as
with days as (
    select * from kpi_table('day')
),

daily as (
    from days
    unpivot (value for kpi in (columns(lambda c: c like '%_rate' or c like 'service_level%')))
),

final as (
    select vendor_id, period, kpi, value
    from daily
    where value < 0 or value > 1
)

select * from final
