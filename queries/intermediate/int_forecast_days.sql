-- int_forecast_days
-- Grain: one row per vendor_id x program x local_date with forecast intervals.
-- Definition: the additive components of forecast accuracy from int_forecast_intervals:
--   forecast_offered_sum = Σ forecast offered, forecast_actual_offered = Σ actual offered,
--   forecast_hit_sum = Σ actual × max(0, 1 − |forecast − actual| / forecast) (0 for an interval
--   forecast at 0 that got calls), so forecast accuracy is the intervals' accuracy weighted by
--   actual volume; NULL where the actual volume is unknown.
-- Depends on: int_forecast_intervals, stg_strict_sum
create or replace view int_forecast_days as
with intervals as (
    select
        *,
        case
            when forecast_offered > 0
                then offered * greatest(0, 1 - abs(forecast_offered - offered) / forecast_offered)
            else 0
        end as hit_calls
    from int_forecast_intervals
),

final as (
    select
        vendor_id,
        program,
        local_date,
        cast(sum(forecast_offered) as double) as forecast_offered_sum,
        cast(stg_strict_sum(offered) as bigint) as forecast_actual_offered,
        cast(stg_strict_sum(hit_calls) as double) as forecast_hit_sum
    from intervals
    group by vendor_id, program, local_date
)

select * from final
