-- stg_intervals
-- Grain: one row per vendor_id x program x interval_start (an ACD interval report row).
-- Definition: interval counts and second sums as reported, with the vendor-local date of the
--   interval start; the report's own thresholds are kept so later layers can tell whether they
--   match ours.
-- Depends on: raw_intervals
create or replace view stg_intervals as
with source as (
    select * from raw_intervals
),

final as (
    select
        vendor_id,
        coalesce(program, '(none)') as program,
        interval_start,
        interval_start_local,
        cast(interval_start_local as date) as local_date,
        interval_s,
        answered,
        answered_in_sl,
        abandoned,
        abandoned_in_sl,
        short_abandoned,
        blocked,
        self_service,
        sl_threshold_s,
        short_abandon_s,
        answered_wait_s,
        abandoned_wait_s,
        talk_s,
        hold_s,
        acw_s,
        transferred,
        staffed_s,
        export_key,
        source_file,
        source_row
    from source
)

select * from final
