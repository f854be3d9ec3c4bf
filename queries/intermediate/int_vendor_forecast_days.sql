-- int_vendor_forecast_days
-- Grain: one row per vendor_id x local_date with forecast intervals.
-- Definition: the forecast components of int_forecast_days summed over programs (strict: NULL when
--   any program's actual volume is unknown).
-- Depends on: int_forecast_days, stg_strict_sum
create or replace view int_vendor_forecast_days as
with days as (
    select * from int_forecast_days
),

final as (
    select
        vendor_id,
        local_date,
        cast(stg_strict_sum(forecast_offered_sum) as double) as forecast_offered_sum,
        cast(stg_strict_sum(forecast_actual_offered) as bigint) as forecast_actual_offered,
        cast(stg_strict_sum(forecast_hit_sum) as double) as forecast_hit_sum
    from days
    group by vendor_id, local_date
)

select * from final
