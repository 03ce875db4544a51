"""Where a handler runs: on the event loop when its request is small, in a worker thread when
it is large enough that its work would hold up every other request of the worker.

A call's work grows with what its body lists (targets, filters, calls of a batch); a one-target
call takes a tenth of a millisecond or two, less than the hop to a thread and back costs (the
hop for every call halved HTTP throughput: bench/README.md), while 50 targets with every
modifier take seconds. The body's size is the measure known before any work.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.concurrency import run_in_threadpool

# A request body above this many bytes is answered in a worker thread. A url_metrics call with
# one 80-character target is about 100 bytes; with 10 such targets about 1 KiB.
THREAD_BODY_BYTES = 1024
# A router's handlers wait on the network for every statement (`linkindex serve --route`):
# all of them run in worker threads, whatever their size.
EVERY_BODY = -1


async def run_handler(
    body_bytes: int, handler: Callable[..., Any], *args: Any, line: int = THREAD_BODY_BYTES
) -> Any:
    """``handler(*args)``, in a worker thread when the request's body is over ``line`` bytes."""
    if body_bytes > line:
        return await run_in_threadpool(handler, *args)
    return handler(*args)
