-- kpi_formula_terms
-- Grain: one row per KPI id x part (numerator | denominator) x component.
-- Definition: the linear combination of components behind each KPI of catalogue.KPIS (the headline
--   service_level and fcr_rate resolve to a variant through stg_settings); kpi_notes reads it to
--   explain a NULL KPI. tests/test_conventions.py checks it equals the catalogue.
-- Depends on: (none)
create or replace view kpi_formula_terms as
with terms (kpi, part, component, coefficient) as (
    values
        ('blockage_rate', 'numerator', 'blocked', 1),
        ('blockage_rate', 'denominator', 'attempts', 1),
        ('abandon_rate', 'numerator', 'abandoned', 1),
        ('abandon_rate', 'numerator', 'short_abandoned', -1),
        ('abandon_rate', 'denominator', 'queued', 1),
        ('abandon_rate', 'denominator', 'short_abandoned', -1),
        ('service_level_negative', 'numerator', 'answered_in_sl', 1),
        ('service_level_negative', 'denominator', 'queued', 1),
        ('service_level_negative', 'denominator', 'short_abandoned', -1),
        ('service_level_answered_only', 'numerator', 'answered_in_sl', 1),
        ('service_level_answered_only', 'denominator', 'answered', 1),
        ('service_level_ignore_early_abandons', 'numerator', 'answered_in_sl', 1),
        ('service_level_ignore_early_abandons', 'denominator', 'queued', 1),
        ('service_level_ignore_early_abandons', 'denominator', 'abandoned_in_sl', -1),
        ('service_level_positive', 'numerator', 'answered_in_sl', 1),
        ('service_level_positive', 'numerator', 'abandoned_in_sl', 1),
        ('service_level_positive', 'denominator', 'queued', 1),
        ('asa_s', 'numerator', 'answered_wait_s', 1), ('asa_s', 'denominator', 'answered', 1),
        ('aht_s', 'numerator', 'talk_s', 1), ('aht_s', 'numerator', 'hold_s', 1),
        ('aht_s', 'numerator', 'acw_s', 1), ('aht_s', 'denominator', 'answered', 1),
        ('avg_talk_s', 'numerator', 'talk_s', 1), ('avg_talk_s', 'denominator', 'answered', 1),
        ('avg_hold_s', 'numerator', 'hold_s', 1), ('avg_hold_s', 'denominator', 'answered', 1),
        ('avg_acw_s', 'numerator', 'acw_s', 1), ('avg_acw_s', 'denominator', 'answered', 1),
        ('avg_abandon_wait_s', 'numerator', 'long_abandon_wait_s', 1),
        ('avg_abandon_wait_s', 'denominator', 'abandoned', 1),
        ('avg_abandon_wait_s', 'denominator', 'short_abandoned', -1),
        ('transfer_rate', 'numerator', 'transferred', 1),
        ('transfer_rate', 'denominator', 'answered', 1),
        ('fcr_rate_survey', 'numerator', 'fcr_survey_resolved', 1),
        ('fcr_rate_survey', 'denominator', 'fcr_survey_n', 1),
        ('fcr_rate_disposition', 'numerator', 'fcr_disposition_resolved', 1),
        ('fcr_rate_disposition', 'denominator', 'fcr_disposition_n', 1),
        ('fcr_rate_repeat', 'numerator', 'fcr_repeat_resolved', 1),
        ('fcr_rate_repeat', 'denominator', 'fcr_repeat_n', 1),
        ('csat_rate', 'numerator', 'csat_satisfied', 1), ('csat_rate', 'denominator', 'csat_n', 1),
        ('qa_score', 'numerator', 'qa_score_sum', 1), ('qa_score', 'denominator', 'qa_n', 1),
        ('occupancy_rate', 'numerator', 'agent_handle_s', 1),
        ('occupancy_rate', 'denominator', 'agent_handle_s', 1),
        ('occupancy_rate', 'denominator', 'agent_available_s', 1),
        ('adherence_rate', 'numerator', 'in_adherence_s', 1),
        ('adherence_rate', 'denominator', 'scheduled_s', 1),
        ('attendance_rate', 'numerator', 'agent_days_present', 1),
        ('attendance_rate', 'denominator', 'agent_days_scheduled', 1),
        ('cost_per_call', 'numerator', 'cost_base', 1),
        ('cost_per_call', 'denominator', 'handled', 1),
        ('revenue_per_call', 'numerator', 'revenue_base', 1),
        ('revenue_per_call', 'denominator', 'handled', 1),
        ('conversion_rate', 'numerator', 'sales', 1),
        ('conversion_rate', 'denominator', 'answered', 1)
),

final as (
    select kpi, part, component, cast(coefficient as integer) as coefficient
    from terms
)

select * from final
