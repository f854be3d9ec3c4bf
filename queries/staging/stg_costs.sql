-- stg_costs
-- Grain: one row per cost line (an invoice, credit or adjustment of a vendor).
-- Definition: signed amounts in the vendor currency over an inclusive local-date period, with the
--   number of days the amount is spread over, and what the line bills (quantity in per units).
-- Depends on: raw_costs
create or replace view stg_costs as
with source as (
    select * from raw_costs
),

final as (
    select
        vendor_id,
        period_start,
        period_end,
        period_end - period_start + 1 as period_days,
        amount,
        kind,
        quantity,
        per,
        source_file,
        source_row
    from source
)

select * from final
