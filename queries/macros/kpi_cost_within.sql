-- kpi_cost_within
-- Grain: a scalar macro (one day's cost).
-- Definition: a vendor-day's cost_base when the day is inside [cost_start, cost_end]
--   (inclusive local dates; NULL = open end), else 0: a comparison counts cost only on its
--   compared days, so an invoice already in the data for days no contact data reach is not
--   divided by other days' calls.
-- Depends on: (none)
create or replace macro kpi_cost_within(local_date, cost_base, cost_start, cost_end) as
    if(
        (cost_start is null or local_date >= cast(cost_start as date))
        and (cost_end is null or local_date <= cast(cost_end as date)),
        cost_base,
        0
    )
