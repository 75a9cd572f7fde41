"""The HTTP server: a versioned JSON API (`routes`) and the web UI (`cablescope.web`) in one app.

`create_app(db)` builds it; `cablescope serve` runs it under uvicorn.
"""

from cablescope.api.app import create_app

__all__ = ["create_app"]
