-- kpi_period_label
-- Grain: a scalar macro (one label per local date and grain).
-- Definition: the period label of a vendor-local date at a grain, per docs/kpis.md: day 2026-04-15,
--   week 2026-W16 (ISO year and week), month 2026-04, quarter 2026-Q2, year 2026, all; any other
--   grain is an error that lists the accepted ones.
-- Depends on: (none)
create or replace macro kpi_period_label(grain, d) as
    case grain
        when 'day' then strftime(d, '%Y-%m-%d')
        when 'week' then strftime(d, '%G-W%V')
        when 'month' then strftime(d, '%Y-%m')
        when 'quarter' then strftime(d, '%Y') || '-Q' || quarter(d)
        when 'year' then strftime(d, '%Y')
        when 'all' then 'all'
        else error(
            'Unknown grain ''' || grain
            || '''; expected one of: day, week, month, quarter, year, all'
        )
    end
