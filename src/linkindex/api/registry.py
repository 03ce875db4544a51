"""Every Links API V2 endpoint the server answers, gathered from the modules that define them.

The app routes them and the OpenAPI document describes them from this one list.
"""

from __future__ import annotations

from linkindex.api import v2, v2_links, v2_pages, v2_usage
from linkindex.api.endpoint import Endpoint

V2_ENDPOINTS: list[Endpoint] = [
    *v2.ENDPOINTS,
    *v2_pages.ENDPOINTS,
    *v2_links.ENDPOINTS,
    *v2_usage.ENDPOINTS,
]
