-- kpi_null_reasons
-- Grain: one row per vendor_id x period x program x component whose period sum is NULL.
-- Definition: why a component is unknown: no such source (no forecast), an export does not record
--   it (int_unrecorded_measures), a threshold differs or lacks a split, no FX rate or program.
-- Depends on: kpi_sums, kpi_interval_conditions, int_vendor_sources, kpi_fx_gaps,
--   int_unrecorded_measures
create or replace macro kpi_null_reasons(
    grain, by_program := false, vendor_ids := null, start_date := null, end_date := null
) as table
with period_sums as (
    from kpi_sums(grain, by_program := by_program, vendor_ids := vendor_ids,
        start_date := start_date, end_date := end_date)
),

sums as (
    from period_sums
    unpivot include nulls (total for component in (columns(* exclude (vendor_id, period, program))))
),

intervals as (
    from kpi_interval_conditions(grain, by_program := by_program, vendor_ids := vendor_ids,
        start_date := start_date, end_date := end_date)
),

fx as (
    from kpi_fx_gaps(grain, by_program := by_program, vendor_ids := vendor_ids,
        start_date := start_date, end_date := end_date)
),

final as (
    select u.vendor_id, u.period, u.program, u.component, case
        when u.component like 'forecast_%' and not f.has_forecast then 'no forecast from the client'
        when by_program and (u.component like 'agent_%' or u.component in ('in_adherence_s',
            'scheduled_s', 'cost_base'))
            then 'agent time and costs are known per vendor, not per program'
        when u.component like 'agent_%' or u.component in ('in_adherence_s', 'scheduled_s') then
            if(f.has_agent_time, 'the source does not report ' || u.component, 'no agent time data')
        when um.reason is not null then um.reason
        when u.component = 'cost_base' and not f.has_costs then 'no cost data'
        when u.component in ('cost_base', 'revenue_base') and x.missing is not null
            then 'no FX rate for ' || x.missing
        when u.component = 'cost_base' then 'the cost data does not cover every day of the period'
        when u.component in ('sales', 'revenue_base') and not f.has_revenue
            then 'no revenue reported'
        when u.component like 'csat_%' or u.component like 'fcr_survey_%' then
            if(f.has_surveys, 'no surveys linked to calls of a program', 'no surveys sent')
        when u.component like 'qa_%' then if(f.has_quality,
            'no QA evaluations linked to calls of a program', 'no QA evaluations sent')
        when not f.has_contacts and u.component <> 'cost_base' then 'no call data'
        when u.component in ('answered_in_sl', 'abandoned_in_sl') and i.sl_mismatch is not null
            then i.sl_mismatch
        when u.component in ('answered_in_sl', 'abandoned_in_sl') and i.lacks_sl_split
            then 'the interval report has no service-level split'
        when u.component in ('short_abandoned', 'long_abandon_wait_s')
            and i.short_mismatch is not null
            then i.short_mismatch
        when u.component in ('short_abandoned', 'long_abandon_wait_s') and i.lacks_short_split
            then 'the interval report has no short-abandon split'
        when u.component = 'long_abandon_wait_s' and i.has_short_abandons
            then 'an interval report cannot separate the wait of short abandons'
        when u.component in ('sales', 'revenue_base') and i.vendor_id is not null
            then 'interval reports carry no revenue'
        when u.component like 'fcr_disposition_%' or u.component like 'fcr_repeat_%'
            then 'interval reports carry no call-level dispositions or caller keys'
        else 'the source does not report ' || u.component
    end as reason
    from sums as u
    left join int_vendor_sources as f on f.vendor_id = u.vendor_id
    left join int_unrecorded_measures as um
        on um.vendor_id = u.vendor_id and um.component = u.component
    left join intervals as i on i.vendor_id = u.vendor_id and i.period = u.period
        and i.program is not distinct from u.program
    left join fx as x
        on x.vendor_id = u.vendor_id and x.period = u.period
        and x.program is not distinct from u.program
        and x.source = if(u.component = 'cost_base', 'costs', 'revenue')
    where u.total is null
)

select * from final
