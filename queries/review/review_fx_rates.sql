-- review_fx_rates
-- Grain: one row per month with an FX rate for the currency of the vendor asked.
-- Definition: units of the base currency for one unit of the vendor's currency, per month
--   (fx_rates.csv); a vendor billing in the base currency needs none (the caller uses 1).
--   vendor is bound as a parameter.
-- Depends on: stg_fx_rates, stg_vendors
create or replace macro review_fx_rates(vendor) as table
with vendor_currency as (
    select currency from stg_vendors where vendor_id = vendor
),

final as (
    select f.month, f.rate_to_base
    from stg_fx_rates as f
    join vendor_currency as v on v.currency = f.currency
)

select * from final
