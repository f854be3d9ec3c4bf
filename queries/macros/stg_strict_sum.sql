-- stg_strict_sum
-- Grain: a scalar aggregate macro (one value per group).
-- Definition: strict sum: the sum of x when every row of the group knows x, else NULL, so an
--   unknown part is never silently dropped (plain sum() ignores NULLs). Shared by every layer above
--   staging. Example: stg_strict_sum(x) over x = 1, 2 is 3; over x = 1, NULL is NULL (sum() would
--   say 1).
-- Depends on: (none)
create or replace macro stg_strict_sum(x) as
    case
        when count(*) = count(x) then sum(x)
    end
-- A group with no rows has count(*) = 0 = count(x) and sum(x) NULL: the result is NULL.
