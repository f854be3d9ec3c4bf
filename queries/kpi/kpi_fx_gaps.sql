-- kpi_fx_gaps
-- Grain: one row per vendor_id x period x program (NULL unless by_program) x source (costs |
--   revenue) with amounts that need a missing FX rate.
-- Definition: the currencies and months lacking a rate, as text for kpi_null_reasons
--   (e.g. 'USD 2026-05, USD 2026-06').
-- Depends on: int_fx_gaps, kpi_period_label, kpi_in_scope
create or replace macro kpi_fx_gaps(
    grain, by_program := false, vendor_ids := null, start_date := null, end_date := null
) as table
with gaps as (
    select
        vendor_id,
        kpi_period_label(grain, local_date) as period,
        if(by_program, program, null) as program,
        source,
        concat_ws(' ', coalesce(currency, '(unknown currency)'), local_month) as currency_month
    from int_fx_gaps
    where kpi_in_scope(vendor_id, local_date, vendor_ids, start_date, end_date)
),

final as (
    select
        vendor_id,
        period,
        program,
        source,
        array_to_string(list_sort(list_distinct(list(currency_month))), ', ') as missing
    from gaps
    group by vendor_id, period, program, source
)

select * from final
