-- kpi_coverage_days
-- Grain: one row per vendor_id x local_date in the scope asked that some row of data covers.
-- Definition: the days a vendor's data cover, for comparing vendors over the same days: the local
--   date of each call, survey, QA evaluation and agent-time row, and every day an interval report
--   row spans (a monthly row covers its month; days past end_date are cut off). Costs are left
--   out: an invoice covers its billed period whether or not calls were taken. is_contact_day: a
--   call or interval row covers the day; has_contacts: the vendor has call or interval data at
--   all (then only its contact days count: surveys alone do not make a day of service KPIs).
--   row_s is the longest row covering the day (86400 for call-level and daily records), so a
--   source coarser than a day is known. Scope: vendor_ids (NULL = all) and the row's own local
--   date in [start_date, end_date], as the KPI sums take it; bound as parameters.
-- Depends on: int_call_days, stg_intervals, stg_surveys, stg_quality, stg_agent_time,
--   kpi_in_scope
create or replace macro kpi_coverage_days(
    vendor_ids := null, start_date := null, end_date := null
) as table
with daily as (
    select vendor_id, local_date, true as is_contact from int_call_days
    union all
    select vendor_id, local_date, false from stg_surveys
    union all
    select vendor_id, local_date, false from stg_quality
    union all
    select vendor_id, local_date, false from stg_agent_time
),

contact_vendors as (
    select distinct vendor_id from int_call_days
    union
    select distinct vendor_id from stg_intervals
),

intervals as (
    select
        vendor_id,
        local_date,
        greatest(interval_s, 86400) as row_s,
        cast(interval_start_local + to_seconds(interval_s) - interval 1 microsecond as date)
            as last_date
    from stg_intervals
    where kpi_in_scope(vendor_id, local_date, vendor_ids, start_date, end_date)
),

spans as (
    select i.vendor_id, cast(d.day_at as date) as local_date, i.row_s, true as is_contact
    from intervals as i,
        unnest(generate_series(
            i.local_date,
            least(i.last_date, coalesce(cast(end_date as date), i.last_date)),
            interval 1 day
        )) as d(day_at)
),

covered as (
    select vendor_id, local_date, 86400 as row_s, is_contact
    from daily
    where kpi_in_scope(vendor_id, local_date, vendor_ids, start_date, end_date)
    union all
    select vendor_id, local_date, row_s, is_contact from spans
),

final as (
    select
        c.vendor_id,
        c.local_date,
        max(c.row_s) as row_s,
        bool_or(c.is_contact) as is_contact_day,
        bool_or(v.vendor_id is not null) as has_contacts
    from covered as c
    left join contact_vendors as v on v.vendor_id = c.vendor_id
    group by c.vendor_id, c.local_date
)

select * from final
