-- assert_components_consistent
-- Grain: one row per table x vendor_id x program x local_date x broken rule (zero rows = pass).
-- Definition: the daily components add up (queued = answered + abandoned, offered = queued +
--   self_service, attempts = offered + blocked, handled = answered + self_service) and every part
--   is within its whole (e.g. answered_in_sl <= answered, csat_satisfied <= csat_n); counts are >=
--   0.
-- Depends on: int_vendor_days, int_program_days
create or replace view assert_components_consistent as
with days as (
    select
        'int_vendor_days' as source, cast(null as varchar) as program,
        * exclude (vendor_id, local_date), vendor_id, local_date
    from int_vendor_days
    union all by name
    select 'int_program_days' as source, *
    from int_program_days
),

checks as (
    select source, vendor_id, program, local_date, unnest([
        if(queued <> answered + abandoned, 'queued = answered + abandoned', null),
        if(offered <> queued + self_service, 'offered = queued + self_service', null),
        if(attempts <> offered + blocked, 'attempts = offered + blocked', null),
        if(handled <> answered + self_service, 'handled = answered + self_service', null),
        if(answered_in_sl > answered, 'answered_in_sl <= answered', null),
        if(abandoned_in_sl > abandoned, 'abandoned_in_sl <= abandoned', null),
        if(short_abandoned > abandoned, 'short_abandoned <= abandoned', null),
        if(transferred > answered, 'transferred <= answered', null),
        if(sales > answered, 'sales <= answered', null),
        if(fcr_survey_resolved > fcr_survey_n, 'fcr_survey_resolved <= fcr_survey_n', null),
        if(fcr_disposition_resolved > fcr_disposition_n,
            'fcr_disposition_resolved <= fcr_disposition_n', null),
        if(fcr_repeat_resolved > fcr_repeat_n, 'fcr_repeat_resolved <= fcr_repeat_n', null),
        if(csat_satisfied > csat_n, 'csat_satisfied <= csat_n', null),
        if(agent_days_present > agent_days_scheduled,
            'agent_days_present <= agent_days_scheduled', null),
        if(least(answered, abandoned, blocked, self_service, short_abandoned) < 0,
            'counts >= 0', null)
    ]) as rule
    from days
),

final as (
    select *
    from checks
    where rule is not null
)

select * from final
