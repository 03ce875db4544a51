"""The shard of a root domain and the files of a sharded snapshot.

One definition, used by the writer and the reader (a router's too, `linkindex serve --route`):
everything a query for one target reads lives in the shard of the target's root domain
(docs/scale.md).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from linkindex.urls import Scope, root_domain_of

# The global tables (and meta) of a sharded snapshot; an unsharded one is index.sqlite alone.
GLOBAL_FILE = "global.sqlite"
MAX_SHARDS = 4096


def shard_of(root_domain: str, count: int) -> int:
    """The shard of a root domain among ``count``: the first 8 bytes of its UTF-8's blake2b,
    big-endian, modulo ``count``; any engine or router can compute the same."""
    digest = hashlib.blake2b(root_domain.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") % count


def root_domain_of_key(scope: Scope | str, key: str) -> str:
    """The root domain of a page (host[:port]/path), subdomain or root domain key."""
    if scope == "root_domain":
        return key
    host = key.split("/", 1)[0] if scope == "page" else key
    if host.startswith("["):  # an IPv6 address, maybe with a port
        host = host[: host.index("]") + 1]
    elif ":" in host:
        host = host.rsplit(":", 1)[0]
    return root_domain_of(host)


def shard_file(number: int, count: int) -> str:
    return f"shard-{number:04d}-of-{count:04d}.sqlite"


# shard_file's names, read back.
_SHARD_FILE = re.compile(r"shard-(\d{4})-of-(\d{4})\.sqlite")
SHARD_FILES = "shard-*-of-*.sqlite"  # shard_file's names, as a glob


def parse_shard_file(name: str) -> tuple[int, int] | None:
    """(number, count) of a shard_file name; None for any other name."""
    matched = _SHARD_FILE.fullmatch(name)
    return (int(matched[1]), int(matched[2])) if matched else None


def shard_paths(folder: Path, count: int) -> list[Path]:
    return [folder / shard_file(number, count) for number in range(count)]


def shard_count(folder: Path) -> int:
    """How many shards a snapshot folder holds (0: an unsharded one), from its file names."""
    return len(list(folder.glob(SHARD_FILES)))
