-- kpi_interval_service
-- Grain: one row per vendor_id x interval_start_local (30-minute vendor-local intervals) in the
--   scope asked.
-- Definition: service level per interval (interval_service_level), sl_numerator /
--   sl_denominator under the variant_name asked (NULL = the workspace's sl_variant; an unknown
--   name gives NULL) with the variant's terms from scorecard/metrics/catalogue.toml (views.py puts
--   them in place of the catalogue comment), over the components of int_interval_attainment: NULL
--   when a component is unknown, sl_denominator 0 when no call counts. Scope: vendor_ids (a list,
--   NULL = all) and [start_date, end_date] (inclusive local dates, NULL = open end), bound as
--   parameters.
-- Depends on: int_interval_attainment, stg_settings, kpi_in_scope
create or replace macro kpi_interval_service(
    variant_name := null, vendor_ids := null, start_date := null, end_date := null
) as table
with scoped as (
    select
        i.*,
        coalesce(variant_name, s.sl_variant) as sl_variant
    from int_interval_attainment as i
    cross join stg_settings as s
    where kpi_in_scope(i.vendor_id, i.local_date, vendor_ids, start_date, end_date)
),

parts as (
    select
        *,
        /* catalogue: service_level parts by sl_variant */
    from scoped
),

final as (
    select
        *,
        sl_numerator / nullif(sl_denominator, 0) as interval_service_level
    from parts
)

select * from final
