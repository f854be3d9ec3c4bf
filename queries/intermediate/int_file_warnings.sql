-- int_file_warnings
-- Grain: one row per file x warning rule of the latest ingest that read the file.
-- Definition: rows loaded although incomplete (read as unknown) or left out on purpose, counted per
--   rule (ingest_warnings), for the files as they stand (int_file_status): a file removed since has
--   none; a file unchanged since keeps those of the ingest that read it.
-- Depends on: int_file_status, ingest_warnings
create or replace view int_file_warnings as
with files as (
    select * from int_file_status
    where status <> 'removed'
),

final as (
    select
        f.vendor_id,
        f.path,
        f."table",
        f.status,
        w.rule,
        w.rows,
        w.first_row,
        w.example,
        w.message,
        f.export_key
    from files as f
    join ingest_warnings as w on w.file_id = f.read_id
)

select * from final
