-- mart_vendor_days
-- Grain: one row per vendor_id x local_date with data from any source (as int_vendor_days).
-- Definition: int_vendor_days materialised as a table by apply_views at the end of every
--   ingest, so KPI reads sum days instead of recomputing them from calls; a read-only or
--   temporary application on a database without the table makes a temporary view of the same
--   name over int_vendor_days.
-- Depends on: int_vendor_days
create or replace table mart_vendor_days as
with final as (
    select * from int_vendor_days
)

select * from final
