-- stg_loaded_files
-- Grain: one row per load (vendor_id x export_key x source_file).
-- Definition: every file as loaded by the ingest: the canonical table it feeds, its export's format
--   and `files` glob, and the measures it records (`observed`: for calls, the outcomes the export
--   can tell apart and 'revenue' when it reads sales). A measure a file does not record is unknown
--   for its rows, never 0.
-- Depends on: loaded_files
create or replace view stg_loaded_files as
with source as (
    select * from loaded_files
),

final as (
    select
        vendor_id,
        export_key,
        source_file,
        "table" as source_table,
        format,
        export_files,
        observed,
        rows
    from source
)

select * from final
