-- kpi_interval_conditions
-- Grain: one row per vendor_id x period x program (program NULL unless by_program) with interval
--   rows.
-- Definition: what the period's interval reports can and cannot give under the workspace
--   definition: the not-comparable reasons when their service-level or short-abandon thresholds
--   differ from the workspace's, whether some rows lack those splits, and whether short abandons
--   exist (their wait cannot be separated from the others').
-- Depends on: stg_intervals, stg_settings, kpi_period_label, kpi_in_scope
create or replace macro kpi_interval_conditions(
    grain, by_program := false, vendor_ids := null, start_date := null, end_date := null
) as table
with intervals as (
    select i.*, s.sl_threshold_s as workspace_sl_s, s.short_abandon_s as workspace_short_s
    from stg_intervals as i
    cross join stg_settings as s
    where kpi_in_scope(i.vendor_id, i.local_date, vendor_ids, start_date, end_date)
),

grouped as (
    select
        vendor_id,
        kpi_period_label(grain, local_date) as period,
        if(by_program, program, null) as program,
        any_value(workspace_sl_s) as workspace_sl_s,
        any_value(workspace_short_s) as workspace_short_s,
        list_sort(list_distinct(
            list(sl_threshold_s) filter (where sl_threshold_s <> workspace_sl_s)
        )) as other_sl_s,
        bool_or(sl_threshold_s is null or answered_in_sl is null or abandoned_in_sl is null)
            as lacks_sl_split,
        list_sort(list_distinct(
            list(short_abandon_s) filter (where short_abandon_s <> workspace_short_s)
        )) as other_short_s,
        bool_or(short_abandon_s is null or short_abandoned is null) as lacks_short_split,
        bool_or(short_abandoned > 0) as has_short_abandons
    from intervals
    group by all
),

final as (
    select
        * exclude (other_sl_s, other_short_s, workspace_sl_s, workspace_short_s),
        if(len(other_sl_s) > 0, 'not comparable: interval report threshold '
            || array_to_string(list_transform(other_sl_s, lambda t: printf('%g', t)), ', ')
            || printf(' s vs workspace %g s', workspace_sl_s), null) as sl_mismatch,
        if(len(other_short_s) > 0, 'not comparable: interval report short-abandon threshold '
            || array_to_string(list_transform(other_short_s, lambda t: printf('%g', t)), ', ')
            || printf(' s vs workspace %g s', workspace_short_s), null) as short_mismatch
    from grouped
)

select * from final
