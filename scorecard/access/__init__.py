"""Who may see and change what: sign-in roles, scoped reads, anonymised peers, signed links, audit, uploads.

The app never decides on its own what a user may see: every read goes through `scorecard.access.reads`
with a `Scope` (`scorecard.access.scope`), and every path built from user input through
`scorecard.access.paths`. This package never imports streamlit.
"""

from __future__ import annotations

from scorecard.errors import ScorecardError


class AccessError(ScorecardError):
    """The user's scope does not allow this read, page, upload or link."""
