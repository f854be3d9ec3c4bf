-- stg_forecast
-- Grain: one row per vendor_id x program x interval_start of the client's forecast.
-- Definition: the forecast the client gave the vendor (offered calls, AHT, optional agreed staff)
--   with the interval's end and the vendor-local date of its start.
-- Depends on: raw_forecast
create or replace view stg_forecast as
with source as (
    select * from raw_forecast
),

final as (
    select
        vendor_id,
        coalesce(program, '(none)') as program,
        interval_start,
        interval_start + to_seconds(interval_s) as interval_end,
        interval_start_local,
        cast(interval_start_local as date) as local_date,
        interval_s,
        forecast_offered,
        forecast_aht_s,
        required_staff,
        source_file,
        source_row
    from source
)

select * from final
