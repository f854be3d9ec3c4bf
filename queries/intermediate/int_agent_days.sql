-- int_agent_days
-- Grain: one row per vendor_id x local_date with agent time rows.
-- Definition: strict sums of agent seconds; agent_days_present = agent rows with scheduled_s > 0
--   and staffed_s > 0, agent_days_scheduled = agent rows with scheduled_s > 0.
-- Depends on: stg_agent_time, stg_strict_sum, stg_exact_sum
create or replace view int_agent_days as
with agent_time as (
    select * from stg_agent_time
),

final as (
    select
        vendor_id,
        local_date,
        stg_exact_sum(handle_s) as agent_handle_s,
        stg_exact_sum(available_s) as agent_available_s,
        stg_exact_sum(in_adherence_s) as in_adherence_s,
        stg_exact_sum(scheduled_s) as scheduled_s,
        stg_exact_sum(staffed_s) as agent_staffed_s,
        cast(
            stg_strict_sum(if(scheduled_s > 0, cast(staffed_s > 0 as bigint), 0)) as bigint
        ) as agent_days_present,
        cast(stg_strict_sum(cast(scheduled_s > 0 as bigint)) as bigint) as agent_days_scheduled
    from agent_time
    group by vendor_id, local_date
)

select * from final
