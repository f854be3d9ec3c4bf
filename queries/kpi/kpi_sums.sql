-- kpi_sums
-- Grain: one row per vendor_id x period (x program when by_program) at the grain asked.
-- Definition: strict sums of the daily components over each period (NULL when any day of the period
--   cannot give the component), from mart_vendor_days or, by program, mart_program_days; seconds,
--   money and scores are added exactly (stg_exact_sum), so the same rows give the same bits. With
--   cost_start / cost_end, cost is summed over those days only (a comparison's compared days: an
--   invoice for days no contact data reach is not divided by the calls of other days).
-- Depends on: mart_vendor_days, mart_program_days, kpi_period_label, kpi_in_scope, stg_strict_sum,
--   stg_exact_sum, kpi_cost_within
create or replace macro kpi_sums(
    grain, by_program := false, vendor_ids := null, start_date := null, end_date := null,
    cost_start := null, cost_end := null
) as table
with vendor_days as (
    select vendor_id, cast(null as varchar) as program, * exclude (vendor_id)
    from mart_vendor_days
    where not by_program
),

program_days as (
    select * from mart_program_days
    where by_program
),

all_days as (
    select * from vendor_days
    union all by name
    select * from program_days
),

days as (
    select * replace (kpi_cost_within(local_date, cost_base, cost_start, cost_end) as cost_base)
    from all_days
),

final as (
    select
        vendor_id,
        kpi_period_label(grain, local_date) as period,
        program,
        stg_strict_sum(columns(* exclude (
            vendor_id, program, local_date, answered_wait_s, queue_wait_s, ring_s,
            long_abandon_wait_s, talk_s, hold_s, acw_s, revenue_base, qa_score_sum, agent_handle_s,
            agent_available_s, in_adherence_s, scheduled_s, agent_staffed_s, cost_base,
            forecast_offered_sum, forecast_hit_sum
        ))),
        stg_exact_sum(columns([
            'answered_wait_s', 'queue_wait_s', 'ring_s', 'long_abandon_wait_s', 'talk_s', 'hold_s',
            'acw_s', 'revenue_base', 'qa_score_sum', 'agent_handle_s', 'agent_available_s',
            'in_adherence_s', 'scheduled_s', 'agent_staffed_s', 'cost_base', 'forecast_offered_sum',
            'forecast_hit_sum'
        ]))
    from days
    where kpi_in_scope(vendor_id, local_date, vendor_ids, start_date, end_date)
    group by vendor_id, period, program
)

select * from final
