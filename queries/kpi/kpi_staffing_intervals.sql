-- kpi_staffing_intervals
-- Grain: one row per vendor_id x forecast interval (all programs of the vendor together) in scope.
-- Definition: what the staffing-adjusted service level reads, per interval of the client's
--   forecast on a day with contact data: forecast and actual volumes (queued = answered +
--   abandoned: the calls that waited for an agent), answered within T, handle and queue-wait
--   seconds, and the agents staffed: the interval reports' staffed_s of every program when they
--   all have it, else the day's agent_staffed_s (agent time is per day) spread over
--   the day's forecast intervals in proportion to the client's required staff, else its forecast
--   workload (offered × AHT), divided by the interval length; NULL without agent time.
--   Scope: vendor_ids (NULL = all) and [start_date, end_date] (inclusive local dates), bound as
--   parameters.
-- Depends on: int_forecast_intervals, int_agent_days, kpi_in_scope, stg_strict_sum
create or replace macro kpi_staffing_intervals(
    vendor_ids := null, start_date := null, end_date := null
) as table
with intervals as (
    select vendor_id, interval_start, min(interval_start_local) as interval_start_local,
        local_date, interval_s,
        cast(sum(forecast_offered) as double) as forecast_offered,
        cast(sum(forecast_offered * forecast_aht_s) as double) as forecast_workload_s,
        cast(sum(required_staff) as double) as required_staff,
        cast(sum(offered) as bigint) as offered,
        cast(sum(answered + abandoned) as bigint) as queued,
        cast(sum(answered) as bigint) as answered, cast(sum(abandoned) as bigint) as abandoned,
        cast(sum(answered_in_sl) as bigint) as answered_in_sl,
        cast(sum(handle_s) as double) as handle_s,
        cast(sum(queue_wait_s) as double) as queue_wait_s,
        cast(stg_strict_sum(staffed_s) as double) as report_staffed_s
    from int_forecast_intervals
    where kpi_in_scope(vendor_id, local_date, vendor_ids, start_date, end_date)
    group by vendor_id, interval_start, local_date, interval_s
),

weighted as (
    select *,
        coalesce(required_staff * interval_s, forecast_workload_s, 0) as staff_weight_s
    from intervals
),

final as (
    select w.* exclude (staff_weight_s, report_staffed_s),
        coalesce(w.report_staffed_s, a.agent_staffed_s * w.staff_weight_s
            / nullif(sum(w.staff_weight_s) over (partition by w.vendor_id, w.local_date), 0))
            / w.interval_s as staffed_agents
    from weighted as w
    left join int_agent_days as a on a.vendor_id = w.vendor_id and a.local_date = w.local_date
)

select * from final
