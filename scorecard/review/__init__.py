"""Stage 6, review: a vendor's quarter against its contract, what to investigate, HTML and XLSX reports."""
