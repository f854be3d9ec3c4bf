"""The call-level step on Apache Spark: canonical tables in Parquet -> `int_call_days` rows -> DuckDB.

Only the step from call records to the additive daily components grows with the number of calls; this
package runs it on Spark from the same SQL as DuckDB (`translate` derives the Spark SQL from `queries/`),
validates the canonical tables with pandera's PySpark backend (`validate`) and loads the rows into the
DuckDB database (`load`), after which KPIs, ranking, reviews and the app work unchanged.

`export` and `translate` need no Java; the modules that start Spark import pyspark when they are used
(`pip install vendor-scorecard[spark]`).
"""
