"""Vendor Scorecard: compare outsourced contact-center vendors on KPIs recomputed from raw exports."""

import warnings

# With the `spark` extra installed, importing pandera probes pandas-on-Spark, which warns that it does not
# support pandas 3; the tool never uses pandas-on-Spark, so the warning would only confuse CLI users.
warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)

__version__ = "0.1.0"
