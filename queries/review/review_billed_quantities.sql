-- review_billed_quantities
-- Grain: one row per local month x price basis (per) billed by invoice lines of the vendor asked.
-- Definition: the quantities invoice lines bill (quantity in per units), spread evenly over the
--   days of their period like their amounts (int_cost_spread), and the invoice amount of those
--   lines, per vendor-local month, rounded to 6 decimals; lines without a quantity are left out.
--   vendor is bound as a parameter.
-- Depends on: int_cost_spread, stg_costs
create or replace macro review_billed_quantities(vendor) as table
with lines as (
    select s.local_month, s.amount_per_day, c.quantity / c.period_days as quantity_per_day, c.per
    from int_cost_spread as s
    join stg_costs as c using (vendor_id, source_file, source_row)
    where s.vendor_id = vendor and c.kind = 'invoice' and c.quantity is not null
),

final as (
    select
        local_month as month,
        per,
        round(sum(quantity_per_day), 6) as billed,
        round(sum(amount_per_day), 6) as billed_amount
    from lines
    group by local_month, per
)

select * from final
