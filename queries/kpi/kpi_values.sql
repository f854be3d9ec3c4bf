-- kpi_values
-- Grain: one row per vendor_id x period x program (program NULL unless by_program) at the grain
--   asked.
-- Definition: the volumes, then every KPI of catalogue.KPI_COLUMNS as sum(numerator) /
--   nullif(sum(denominator), 0) over the period (never an average of daily ratios); service_level
--   and fcr_rate repeat the variant and method chosen in stg_settings.
-- Depends on: kpi_sums, stg_settings
create or replace macro kpi_values(
    grain, by_program := false, vendor_ids := null, start_date := null, end_date := null
) as table
with sums as (
    select * from kpi_sums(
        grain, by_program := by_program, vendor_ids := vendor_ids, start_date := start_date,
        end_date := end_date
    )
),

variants as (
    select
        *,
        answered_in_sl / nullif(queued - short_abandoned, 0) as service_level_negative,
        answered_in_sl / nullif(answered, 0) as service_level_answered_only,
        answered_in_sl / nullif(queued - abandoned_in_sl, 0) as service_level_ignore_early_abandons,
        (answered_in_sl + abandoned_in_sl) / nullif(queued, 0) as service_level_positive,
        fcr_survey_resolved / nullif(fcr_survey_n, 0) as fcr_rate_survey,
        fcr_disposition_resolved / nullif(fcr_disposition_n, 0) as fcr_rate_disposition,
        fcr_repeat_resolved / nullif(fcr_repeat_n, 0) as fcr_rate_repeat
    from sums
),

final as (
    select
        v.vendor_id,
        v.period,
        v.program,
        cast(columns([
            'attempts', 'offered', 'queued', 'answered', 'abandoned', 'short_abandoned', 'blocked',
            'self_service', 'handled'
        ]) as bigint),
        blocked / nullif(attempts, 0) as blockage_rate,
        (abandoned - short_abandoned) / nullif(queued - short_abandoned, 0) as abandon_rate,
        case s.sl_variant
            when 'negative' then service_level_negative
            when 'answered_only' then service_level_answered_only
            when 'ignore_early_abandons' then service_level_ignore_early_abandons
            when 'positive' then service_level_positive
        end as service_level,
        service_level_negative,
        service_level_answered_only,
        service_level_ignore_early_abandons,
        service_level_positive,
        answered_wait_s / nullif(answered, 0) as asa_s,
        (talk_s + hold_s + acw_s) / nullif(answered, 0) as aht_s,
        talk_s / nullif(answered, 0) as avg_talk_s,
        hold_s / nullif(answered, 0) as avg_hold_s,
        acw_s / nullif(answered, 0) as avg_acw_s,
        long_abandon_wait_s / nullif(abandoned - short_abandoned, 0) as avg_abandon_wait_s,
        transferred / nullif(answered, 0) as transfer_rate,
        case s.fcr_method
            when 'survey' then fcr_rate_survey
            when 'disposition' then fcr_rate_disposition
            when 'repeat' then fcr_rate_repeat
        end as fcr_rate,
        fcr_rate_survey,
        fcr_rate_disposition,
        fcr_rate_repeat,
        csat_satisfied / nullif(csat_n, 0) as csat_rate,
        qa_score_sum / nullif(qa_n, 0) as qa_score,
        agent_handle_s / nullif(agent_handle_s + agent_available_s, 0) as occupancy_rate,
        in_adherence_s / nullif(scheduled_s, 0) as adherence_rate,
        agent_days_present / nullif(agent_days_scheduled, 0) as attendance_rate,
        cost_base / nullif(handled, 0) as cost_per_call,
        revenue_base / nullif(handled, 0) as revenue_per_call,
        sales / nullif(answered, 0) as conversion_rate
    from variants as v
    cross join stg_settings as s
)

select * from final
