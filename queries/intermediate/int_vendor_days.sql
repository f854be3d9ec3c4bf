-- int_vendor_days
-- Grain: one row per vendor_id x local_date with data from any source.
-- Definition: every component of catalogue.COMPONENT_COLUMNS: contacts summed over programs
--   (strict), all surveys and QA, agent time, spread costs, the forecast; 0 on a day without
--   rows of a source the vendor sends, NULL for one it never sends; cost_base NULL on a day
--   with contacts that no cost period covers (unknown, not free).
-- Depends on: int_vendor_contact_days, int_survey_days, int_quality_days, int_agent_days,
--   int_cost_days, int_vendor_forecast_days, int_vendor_sources, int_fill_missing, stg_exact_sum
create or replace view int_vendor_days as
with contacts as (select * from int_vendor_contact_days),

surveys as (
    select vendor_id, local_date,
        cast(sum(columns(* exclude (vendor_id, program, local_date))) as bigint)
    from int_survey_days
    group by vendor_id, local_date
),

quality as (
    select vendor_id, local_date, stg_exact_sum(qa_score_sum) as qa_score_sum,
        cast(sum(qa_n) as bigint) as qa_n
    from int_quality_days group by vendor_id, local_date
),

agents as (select * from int_agent_days),
costs as (select * from int_cost_days),
forecast as (select * from int_vendor_forecast_days),
spine as (
    select vendor_id, local_date from contacts
    union select vendor_id, local_date from surveys
    union select vendor_id, local_date from quality
    union select vendor_id, local_date from agents
    union select vendor_id, local_date from costs union select vendor_id, local_date from forecast
),

filled as (
    select
        sp.vendor_id,
        sp.local_date,
        int_fill_missing(c.vendor_id is not null, f.has_contacts,
            columns(c.* exclude (vendor_id, local_date, sales, revenue_base))),
        int_fill_missing(c.vendor_id is not null, f.has_revenue, c.sales) as sales,
        int_fill_missing(c.vendor_id is not null, f.has_revenue, c.revenue_base) as revenue_base,
        int_fill_missing(s.vendor_id is not null, f.has_surveys,
            columns(s.* exclude (vendor_id, local_date))),
        int_fill_missing(q.vendor_id is not null, f.has_quality,
            columns(q.* exclude (vendor_id, local_date))),
        int_fill_missing(a.vendor_id is not null, f.has_agent_time,
            columns(a.* exclude (vendor_id, local_date))),
        int_fill_missing(fc.vendor_id is not null, f.has_forecast,
            columns(fc.* exclude (vendor_id, local_date))),
        case  -- a day with contacts that no cost period covers has an unknown cost, not 0
            when k.vendor_id is not null then k.cost_base
            when c.vendor_id is null and f.has_costs then 0
        end as cost_base
    from spine as sp
    join int_vendor_sources as f on f.vendor_id = sp.vendor_id
    left join contacts as c on c.vendor_id = sp.vendor_id and c.local_date = sp.local_date
    left join surveys as s on s.vendor_id = sp.vendor_id and s.local_date = sp.local_date
    left join quality as q on q.vendor_id = sp.vendor_id and q.local_date = sp.local_date
    left join agents as a on a.vendor_id = sp.vendor_id and a.local_date = sp.local_date
    left join costs as k on k.vendor_id = sp.vendor_id and k.local_date = sp.local_date
    left join forecast as fc on fc.vendor_id = sp.vendor_id and fc.local_date = sp.local_date
),

final as (
    select
        vendor_id, local_date, attempts, offered, queued, answered, abandoned, short_abandoned,
        blocked, self_service, handled, answered_in_sl, abandoned_in_sl, answered_wait_s, waited,
        queue_wait_s, ring_s, long_abandon_wait_s, talk_s, hold_s, acw_s, transferred, sales,
        revenue_base, fcr_survey_resolved, fcr_survey_n, fcr_disposition_resolved,
        fcr_disposition_n, fcr_repeat_resolved, fcr_repeat_n, csat_satisfied, csat_n, qa_score_sum,
        qa_n, agent_handle_s, agent_available_s, in_adherence_s, scheduled_s, agent_staffed_s,
        agent_days_present, agent_days_scheduled, cost_base, forecast_offered_sum,
        forecast_actual_offered, forecast_hit_sum
    from filled
)

select * from final
