-- stg_settings
-- Grain: one row (the workspace settings; assert_settings_single_row checks there is exactly one).
-- Definition: the workspace's definition choices, typed: service-level threshold T, short-abandon
--   threshold, service-level variant, FCR method and window, base currency.
-- Depends on: settings
create or replace view stg_settings as
with source as (
    select * from settings
),

final as (
    select
        base_currency,
        cast(sl_threshold_s as double) as sl_threshold_s,
        cast(short_abandon_s as double) as short_abandon_s,
        sl_variant,
        fcr_method,
        cast(fcr_repeat_days as integer) as fcr_repeat_days
    from source
)

select * from final
