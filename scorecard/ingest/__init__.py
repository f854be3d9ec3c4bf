"""Stage 2, ingest: export files -> adapters -> pandera validation -> DuckDB raw tables with provenance."""
