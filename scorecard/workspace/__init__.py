"""Stage 1, the workspace: scorecard.toml, vendor.toml, fx_rates.csv and the contract terms they hold."""
