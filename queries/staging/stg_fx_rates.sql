-- stg_fx_rates
-- Grain: one row per month x currency.
-- Definition: monthly average rate: units of the base currency for one unit of `currency`.
-- Depends on: fx_rates
create or replace view stg_fx_rates as
with source as (
    select * from fx_rates
),

final as (
    select
        month,
        currency,
        cast(rate_to_base as double) as rate_to_base
    from source
)

select * from final
