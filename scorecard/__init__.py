"""Vendor Scorecard: compare outsourced contact-center vendors on KPIs recomputed from raw exports."""

__version__ = "0.1.0"
