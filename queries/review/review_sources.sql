-- review_sources
-- Grain: one row per source file with rows loaded (vendor_id x path).
-- Definition: the files a review rests on, each with the table, sha256 and load time of its
--   latest loaded, replaced or unchanged entry in ingest_log (NULL when the log lacks it); the
--   review's fingerprint is the sha256 of these paths and digests.
-- Depends on: int_source_rows, ingest_log
create or replace view review_sources as
with used as (
    select distinct vendor_id, source_file
    from int_source_rows
),

latest as (
    select
        path,
        sha256,
        "table",
        loaded_at,
        row_number() over (partition by path order by file_id desc) as rn
    from ingest_log
    where status in ('loaded', 'replaced', 'unchanged')
),

final as (
    select u.vendor_id, u.source_file as path, l."table", l.sha256, l.loaded_at
    from used as u
    left join latest as l on l.path = u.source_file and l.rn = 1
)

select * from final
