"""The Spark session the step runs in: an existing one (spark-submit, a Databricks job) or a local one."""

from __future__ import annotations

import os
import shutil
import time
from typing import TYPE_CHECKING

from scorecard.errors import ScorecardError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

#: Settings the derived SQL relies on: instants read and written in UTC (the raw tables' timestamps
#: are naive UTC), ANSI arithmetic (an overflow raises instead of giving NULL), Parquet timestamps
#: without a time zone read as TIMESTAMP_NTZ (DuckDB's TIMESTAMP).
REQUIRED_CONF: dict[str, str] = {
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.ansi.enabled": "true",
    "spark.sql.parquet.inferTimestampNTZ.enabled": "true",
    "spark.sql.sources.partitionColumnTypeInference.enabled": "false",
}

#: Defaults for a local session only (a cluster keeps its own).
LOCAL_CONF: dict[str, str] = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.shuffle.partitions": "8",
    "spark.driver.memory": "2g",
}


class SparkUnavailable(ScorecardError):
    """PySpark or Java is missing."""


def require_pyspark() -> None:
    """Raise SparkUnavailable with the install command when the `spark` extra or Java is missing."""
    try:
        import pyspark  # noqa: F401
        import sqlglot  # noqa: F401
    except ImportError as exc:
        raise SparkUnavailable(
            f"The Spark engine needs the optional dependencies ({exc.name} is missing): "
            "pip install 'vendor-scorecard[spark]'."
        ) from None
    if not os.environ.get("JAVA_HOME") and shutil.which("java") is None:
        raise SparkUnavailable(
            "The Spark engine needs Java 17 or later and found none (no JAVA_HOME, no `java` on PATH); "
            "on Debian or Ubuntu: apt-get install openjdk-17-jre-headless."
        )


def spark_session(
    master: str | None = None, conf: dict[str, str] | None = None
) -> tuple[SparkSession, float]:
    """The active session (spark-submit, Databricks) or a new local one; also the seconds it took to start.

    `master` (e.g. `local[2]`, `spark://host:7077`) and `conf` apply when a new session is created; the
    settings of REQUIRED_CONF are set on the session either way."""
    require_pyspark()
    from pyspark.sql import SparkSession

    start = time.perf_counter()
    session = SparkSession.getActiveSession()
    if session is None:
        builder = SparkSession.builder.appName("scorecard-call-days")
        settings = {**LOCAL_CONF, **REQUIRED_CONF, **(conf or {})}
        builder = builder.master(master or "local[*]")
        for key, value in settings.items():
            builder = builder.config(key, value)
        session = builder.getOrCreate()
        session.sparkContext.setLogLevel("ERROR")
    for key, value in REQUIRED_CONF.items():
        session.conf.set(key, value)
    return session, time.perf_counter() - start
