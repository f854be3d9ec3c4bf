-- assert_settings_single_row
-- Grain: one row when the rule is broken (zero rows = pass).
-- Definition: the settings table holds exactly one row (every view reads its thresholds from it;
--   two rows would double every component, none would empty every view).
-- Depends on: settings
create or replace view assert_settings_single_row as
with counted as (
    select count(*) as settings_rows
    from settings
),

final as (
    select settings_rows
    from counted
    where settings_rows <> 1
)

select * from final
