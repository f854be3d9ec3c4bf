-- int_fill_missing
-- Grain: a scalar macro (one value per row).
-- Definition: a day's component from one source: the source's value when it has rows that day
--   (is_present), 0 when it has none but the vendor sends that source (sends_source), else NULL (a
--   source the vendor never sends is unknown, not zero).
-- Depends on: (none)
create or replace macro int_fill_missing(is_present, sends_source, value) as
    case
        when is_present then value
        when sends_source then 0
    end
