-- mart_program_days
-- Grain: one row per vendor_id x program x local_date (as int_program_days).
-- Definition: int_program_days materialised as a table by apply_views at the end of every
--   ingest, so KPI reads sum days instead of recomputing them from calls; a read-only or
--   temporary application on a database without the table makes a temporary view of the same
--   name over int_program_days.
-- Depends on: int_program_days
create or replace table mart_program_days as
with final as (
    select * from int_program_days
)

select * from final
