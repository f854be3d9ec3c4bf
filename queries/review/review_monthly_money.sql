-- review_monthly_money
-- Grain: one row per local month with cost days of the vendor asked.
-- Definition: per local month, in the vendor currency: invoices, adjustments and credit notes
--   spread over the days they bill (int_cost_spread), added exactly as decimals and rounded to 6,
--   and the month's FX rate to the base currency; the contract engine turns them into credits
--   owed. vendor is bound as a parameter.
-- Depends on: int_cost_spread, stg_costs
create or replace macro review_monthly_money(vendor) as table
with spread as (
    select s.local_month, cast(s.amount_per_day as decimal(38, 10)) as amount_per_day,
        s.rate_to_base, c.kind
    from int_cost_spread as s
    join stg_costs as c using (vendor_id, source_file, source_row)
    where s.vendor_id = vendor
),

final as (
    select
        local_month as month,
        cast(round(sum(amount_per_day) filter (where kind = 'invoice'), 6) as double) as invoice,
        cast(
            round(coalesce(sum(amount_per_day) filter (where kind = 'adjustment'), 0), 6) as double
        ) as adjustments,
        cast(
            round(coalesce(sum(amount_per_day) filter (where kind = 'credit'), 0), 6) as double
        ) as credits_recorded,
        max(rate_to_base) as rate_to_base
    from spread
    group by local_month
)

select * from final
