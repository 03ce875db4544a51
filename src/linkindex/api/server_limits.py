"""The limits that keep one client from exhausting a server process: request head and body sizes,
how long a client may take to send them, and how many requests of one key run at once.

`linkindex serve` sets them from its options; every worker process reads them from the
environment (as it reads the home folder), so all workers enforce the same values.
docs/api.md ("Resource limits") gives each limit, its default and its answer.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields

ENV_PREFIX = "LINKINDEX_LIMIT_"


@dataclass(frozen=True)
class ServerLimits:
    # The request line and headers together (h11's default, and Node's).
    max_header_bytes: int = 16 * 1024
    # Seconds from a connection opening, or the previous answer, to the end of the next headers.
    header_timeout: float = 10.0
    # The largest valid request, 50 targets of 2,048 characters, is about 103 KB.
    max_body_bytes: int = 128 * 1024
    # Seconds to send the whole body, counted from when the server starts reading it.
    body_timeout: float = 20.0
    # Requests of one key in progress at once on one server process; more wait their turn...
    key_running: int = 4
    # ...up to this many, in arrival order; past that a 429.
    key_waiting: int = 64

    def to_environment(self) -> dict[str, str]:
        return {ENV_PREFIX + f.name.upper(): str(getattr(self, f.name)) for f in fields(self)}

    @classmethod
    def from_environment(cls, env: Mapping[str, str] | None = None) -> ServerLimits:
        env = os.environ if env is None else env
        values = {}
        for f in fields(cls):
            raw = env.get(ENV_PREFIX + f.name.upper())
            if raw:
                values[f.name] = float(raw) if f.type == "float" else int(raw)
        return cls(**values)
