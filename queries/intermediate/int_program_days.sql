-- int_program_days
-- Grain: one row per vendor_id x program x local_date with contacts, or surveys / QA evaluations
--   linked to a call of the program.
-- Definition: the components of catalogue.COMPONENT_COLUMNS that have a program (contacts, revenue,
--   call-linked surveys and QA, the forecast); 0 on a program-day without rows of a source the
--   vendor sends, NULL for a source it never sends; agent time and costs have no program (NULL
--   here, see int_vendor_days).
-- Depends on: int_contact_days, int_survey_days, int_quality_days, int_forecast_days,
--   int_vendor_sources, int_fill_missing
create or replace view int_program_days as
with contacts as (
    select * from int_contact_days
),

surveys as (
    select * from int_survey_days where program is not null
),

quality as (
    select * from int_quality_days where program is not null
),

forecast as (select * from int_forecast_days),

spine as (
    select vendor_id, program, local_date from contacts
    union select vendor_id, program, local_date from surveys
    union select vendor_id, program, local_date from quality
    union select vendor_id, program, local_date from forecast
),

filled as (
    select
        sp.vendor_id,
        sp.program,
        sp.local_date,
        int_fill_missing(c.vendor_id is not null, f.has_contacts,
            columns(c.* exclude (vendor_id, program, local_date, sales, revenue_base))),
        int_fill_missing(c.vendor_id is not null, f.has_revenue, c.sales) as sales,
        int_fill_missing(c.vendor_id is not null, f.has_revenue, c.revenue_base) as revenue_base,
        int_fill_missing(s.vendor_id is not null, f.has_linked_surveys,
            columns(s.* exclude (vendor_id, program, local_date))),
        int_fill_missing(q.vendor_id is not null, f.has_linked_quality,
            columns(q.* exclude (vendor_id, program, local_date))),
        int_fill_missing(fc.vendor_id is not null, f.has_forecast,
            columns(fc.* exclude (vendor_id, program, local_date)))
    from spine as sp
    join int_vendor_sources as f on f.vendor_id = sp.vendor_id
    left join contacts as c
        on c.vendor_id = sp.vendor_id and c.program = sp.program and c.local_date = sp.local_date
    left join surveys as s
        on s.vendor_id = sp.vendor_id and s.program = sp.program and s.local_date = sp.local_date
    left join quality as q
        on q.vendor_id = sp.vendor_id and q.program = sp.program and q.local_date = sp.local_date
    left join forecast as fc
        on fc.vendor_id = sp.vendor_id and fc.program = sp.program and fc.local_date = sp.local_date
),

final as (
    select
        vendor_id, program, local_date, attempts, offered, queued, answered, abandoned,
        short_abandoned, blocked, self_service, handled, answered_in_sl, abandoned_in_sl,
        answered_wait_s, waited, queue_wait_s, ring_s, long_abandon_wait_s, talk_s, hold_s, acw_s,
        transferred, sales,
        cast(revenue_base as double) as revenue_base, fcr_survey_resolved, fcr_survey_n,
        fcr_disposition_resolved, fcr_disposition_n, fcr_repeat_resolved, fcr_repeat_n,
        csat_satisfied, csat_n, cast(qa_score_sum as double) as qa_score_sum, qa_n,
        cast(null as double) as agent_handle_s, cast(null as double) as agent_available_s,
        cast(null as double) as in_adherence_s, cast(null as double) as scheduled_s,
        cast(null as double) as agent_staffed_s,
        cast(null as bigint) as agent_days_present, cast(null as bigint) as agent_days_scheduled,
        cast(null as double) as cost_base, forecast_offered_sum, forecast_actual_offered,
        forecast_hit_sum
    from filled
)

select * from final
