-- int_file_status
-- Grain: one row per file an export entry read or tried to read (vendor_id x path x export_key).
-- Definition: where each file stands after the ingests so far: the status of its latest ingest_log
--   entry (loaded, replaced, reread, unchanged, held, rejected, removed), its rows and message,
--   and read_id, the file_id of the latest entry that read the file (not 'unchanged' or
--   'removed'), whose warnings still describe the rows in use. An entry removed because the file
--   is now read under other settings (a new export key) is left out: the file is listed once.
-- Depends on: ingest_log
create or replace view int_file_status as
with entries as (
    select
        *,
        coalesce(export_key, '') as export_entry,
        status not in ('unchanged', 'removed') as is_read
    from ingest_log
),

latest as (
    select *
    from entries
    qualify row_number() over (partition by vendor_id, path, export_entry order by file_id desc) = 1
),

last_read as (
    select vendor_id, path, export_entry, max(file_id) as read_id
    from entries
    where is_read
    group by vendor_id, path, export_entry
),

listed as (
    select
        l.*,
        r.read_id,
        count(*) filter (where l.status <> 'removed') over (partition by l.vendor_id, l.path)
            as current_entries
    from latest as l
    left join last_read as r
        on r.vendor_id = l.vendor_id and r.path = l.path and r.export_entry = l.export_entry
),

final as (
    select
        l.vendor_id,
        l.path,
        l."table",
        l.format,
        l.status,
        l.rows,
        l.loaded_at,
        l.message,
        l.read_id,
        l.export_key
    from listed as l
    where l.status <> 'removed' or l.current_entries = 0
)

select * from final
