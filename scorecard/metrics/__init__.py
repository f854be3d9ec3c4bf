"""Stage 4, metrics: the KPI catalogue and the KPI frames read from the SQL layers, with provenance."""
