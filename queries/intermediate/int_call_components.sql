-- int_call_components
-- Grain: one row per call (vendor_id x call_id).
-- Definition: each call's contribution (0/1 counts, seconds, base-currency revenue) to the additive
--   components of the KPI definitions, under the thresholds of stg_settings. A part the call cannot
--   tell (e.g. wait_s NULL on an answered call, ring_s NULL on an answered call of an export
--   without ring time) is NULL, never 0; so is an outcome count or the
--   revenue of a file whose export does not record that measure (stg_loaded_files.observed: a CDR
--   export that cannot see busy signals gives blocked NULL, not 0). Repeat-contact FCR needs the
--   caller's next call and is computed apart, in int_call_repeats.
-- Depends on: stg_calls, stg_settings, stg_vendors, stg_fx_rates, stg_loaded_files
create or replace view int_call_components as
with calls as (
    select
        c.*,
        list_contains(f.observed, 'answered') as records_answered,
        list_contains(f.observed, 'abandoned') as records_abandoned,
        list_contains(f.observed, 'blocked') as records_blocked,
        list_contains(f.observed, 'self_service') as records_self_service,
        list_contains(f.observed, 'revenue') as records_revenue,
        s.sl_threshold_s as workspace_sl_s,
        s.short_abandon_s as workspace_short_s,
        v.currency,
        case
            when v.currency = s.base_currency then 1::double
            else fx.rate_to_base
        end as rate_to_base
    from stg_calls as c
    cross join stg_settings as s
    left join stg_loaded_files as f
        on f.vendor_id = c.vendor_id and f.export_key = c.export_key
        and f.source_file = c.source_file
    left join stg_vendors as v on v.vendor_id = c.vendor_id
    left join stg_fx_rates as fx on fx.currency = v.currency and fx.month = c.local_month
),

final as (
    select
        vendor_id,
        call_id,
        program,
        local_date,
        local_month,
        currency,
        rate_to_base,
        if(records_answered, cast(outcome = 'answered' as bigint), null) as answered,
        if(records_abandoned, cast(outcome = 'abandoned' as bigint), null) as abandoned,
        if(records_blocked, cast(outcome = 'blocked' as bigint), null) as blocked,
        if(records_self_service, cast(outcome = 'self_service' as bigint), null) as self_service,
        if(outcome = 'answered', cast(wait_s <= workspace_sl_s as bigint), 0) as answered_in_sl,
        if(outcome = 'abandoned', cast(wait_s <= workspace_sl_s as bigint), 0) as abandoned_in_sl,
        if(outcome = 'abandoned', cast(wait_s < workspace_short_s as bigint), 0) as short_abandoned,
        if(outcome = 'answered', wait_s, 0) as answered_wait_s,
        if(outcome in ('answered', 'abandoned'), cast(wait_s > 0 as bigint), 0) as waited,
        if(outcome in ('answered', 'abandoned'), wait_s, 0) as queue_wait_s,
        if(outcome = 'answered', ring_s, 0) as ring_s,
        if(outcome = 'abandoned', if(wait_s < workspace_short_s, 0, wait_s), 0)
            as long_abandon_wait_s,
        if(outcome = 'answered', talk_s, 0) as talk_s,
        if(outcome = 'answered', hold_s, 0) as hold_s,
        if(outcome = 'answered', acw_s, 0) as acw_s,
        if(outcome = 'answered', cast(is_transferred as bigint), 0) as transferred,
        case
            when not coalesce(records_revenue, false) then null
            when outcome = 'answered' then cast(coalesce(revenue, 0) > 0 as bigint)
            else 0
        end as sales,
        case
            when not coalesce(records_revenue, false) then null
            when coalesce(revenue, 0) = 0 then 0
            else revenue * rate_to_base
        end as revenue_base,
        cast(outcome = 'answered' and coalesce(is_resolved, false) as bigint)
            as fcr_disposition_resolved,
        cast(outcome = 'answered' and is_resolved is not null as bigint) as fcr_disposition_n
    from calls
)

select * from final
