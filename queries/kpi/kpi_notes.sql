-- kpi_notes
-- Grain: one row per vendor_id x period x program (NULL unless by_program) x KPI that is NULL.
-- Definition: why the KPI cannot be computed: the reasons of its unknown components
--   (kpi_null_reasons; a derived volume such as attempts through its base counts), e.g. 'not
--   comparable: interval report threshold 60 s vs workspace 20 s', 'no surveys sent'; or, all
--   components known, a zero denominator.
-- Depends on: kpi_values, kpi_columns, kpi_formula_terms, kpi_component_bases, kpi_null_reasons,
--   stg_settings
create or replace macro kpi_notes(
    grain, by_program := false, vendor_ids := null, start_date := null, end_date := null
) as table
with period_kpis as (
    from kpi_values(grain, by_program := by_program, vendor_ids := vendor_ids,
        start_date := start_date, end_date := end_date)
),

outputs as (
    from period_kpis
    unpivot include nulls (value for kpi in (columns(* exclude (vendor_id, period, program))))
),

choices as (
    from (select columns(*)::varchar from stg_settings)
    unpivot (choice for setting in (columns(*)))
),

kpis as (
    select o.*, coalesce(k.name || '_' || c.choice, o.kpi) as formula
    from outputs as o
    join kpi_columns as k on k.name = o.kpi and k.kind = 'kpi'
    left join choices as c on c.setting = k.variant_setting
    where o.value is null
),

missing as (
    select k.vendor_id, k.period, k.program, k.kpi, t.part, t.component, t.coefficient
    from kpis as k
    join kpi_formula_terms as t on t.kpi = k.formula
),

reasons as (
    select m.vendor_id, m.period, m.program, m.kpi,
        string_agg(distinct r.reason, '; ' order by r.reason) as reason
    from missing as m
    left join kpi_component_bases as d on d.component = m.component
    join kpi_null_reasons(grain, by_program := by_program, vendor_ids := vendor_ids,
        start_date := start_date, end_date := end_date) as r
        on r.vendor_id = m.vendor_id and r.period = m.period
        and r.program is not distinct from m.program and r.component = coalesce(d.base, m.component)
    group by all
),

denominators as (
    select vendor_id, period, program, kpi,
        'denominator is zero: '
            || string_agg(component, ' + ' order by component) filter (where coefficient > 0)
            || coalesce(' − ' || string_agg(component, ' − ' order by component)
                filter (where coefficient < 0), '')
            || ' = 0' as reason
    from missing
    where part = 'denominator'
    group by all
),

final as (
    select d.vendor_id, d.period, d.program, d.kpi, coalesce(r.reason, d.reason) as reason
    from denominators as d
    left join reasons as r
        on r.vendor_id = d.vendor_id and r.period = d.period
        and r.program is not distinct from d.program and r.kpi = d.kpi
)

select * from final
