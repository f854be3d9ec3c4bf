"""The volume scenario bids are priced on (`[scenario]` of scorecard.toml, docs/contract.md).

`basis = "forecast"`: the buyer's forecast, `calls_per_month` handled calls of `aht_s` seconds each;
`basis = "pilot"`: each bidder's own pilot volumes over the ranked period. Either way every bid's price model
gives a cost per handled call and per resolved call that the procurement preset scores against the lowest bid.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Scenario(BaseModel):
    """`[scenario]`: the volume every bid is priced on."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    basis: Literal["forecast", "pilot"] = "forecast"
    calls_per_month: float | None = Field(None, gt=0)
    aht_s: float | None = Field(None, gt=0)

    @model_validator(mode="after")
    def _forecast_needs_volume(self) -> Scenario:
        if self.basis == "forecast" and (self.calls_per_month is None or self.aht_s is None):
            raise ValueError('basis "forecast" needs calls_per_month and aht_s (or use basis = "pilot")')
        return self
