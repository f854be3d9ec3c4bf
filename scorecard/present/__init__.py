"""Stage 7, presentation: number formatting, Altair charts and the shareable view state (no streamlit)."""
