"""Stage 5, scoring: presets, points, ranks, weight sensitivity and confidence from resampling."""
