-- kpi_in_scope
-- Grain: a scalar macro (true or false per row).
-- Definition: whether a vendor-day is in the scope asked: vendor_ids (a list, NULL = all vendors)
--   and the inclusive local-date range [start_date, end_date] (NULL = open end). Callers bind the
--   values as parameters.
-- Depends on: (none)
create or replace macro kpi_in_scope(vendor_id, local_date, vendor_ids, start_date, end_date) as
    (vendor_ids is null or list_contains(vendor_ids, vendor_id))
    and (start_date is null or local_date >= cast(start_date as date))
    and (end_date is null or local_date <= cast(end_date as date))
