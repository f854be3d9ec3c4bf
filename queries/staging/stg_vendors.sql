-- stg_vendors
-- Grain: one row per vendor_id.
-- Definition: the vendors of the workspace with their local time zone and reporting currency.
-- Depends on: vendors
create or replace view stg_vendors as
with source as (
    select * from vendors
),

final as (
    select
        vendor_id,
        name as vendor_name,
        country,
        timezone,
        currency
    from source
)

select * from final
