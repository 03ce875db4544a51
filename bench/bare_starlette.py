"""The serving floor for bench_serve: bare Starlette + orjson over the same SQLite snapshot store.

No auth, no validation, no URL parsing: read the JSON body, run linkindex's own queries, dump.
"""

from __future__ import annotations

import os
import sqlite3
import threading

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from linkindex.index.schema import (
    PAGE_COLUMNS,
    ROOT_DOMAIN_COLUMNS,
    SUBDOMAIN_COLUMNS,
    URL_METRIC_FIELDS,
)

STORE_ENV = "BARE_STORE"  # path of a snapshot's index.sqlite
SCOPES = ("page", "subdomain", "root_domain")
_local = threading.local()


def _con() -> sqlite3.Connection:
    con = getattr(_local, "con", None)
    if con is None:  # the same connection settings as linkindex.index.snapshot.Snapshot
        con = sqlite3.connect(f"file:{os.environ[STORE_ENV]}?mode=ro&immutable=1", uri=True)
        con.execute("PRAGMA cache_size = -65536")
        _local.con = con
    return con


def _json(value: object, status: int = 200) -> Response:
    return Response(orjson.dumps(value), status_code=status, media_type="application/json")


async def linking_root_domains(request: Request) -> Response:
    body = orjson.loads(await request.body())
    scope = body.get("target_scope", "page")
    if scope not in SCOPES:
        return _json({"message": "bad target_scope"}, 400)
    limit = int(body.get("limit", 25))
    rows = (
        _con()
        .execute(
            f"SELECT * FROM linking_roots_{scope} WHERE target = ? AND pages > 0"
            " ORDER BY neg_domain_authority, source LIMIT ?",
            (body["target"], limit + 1),
        )
        .fetchall()
    )
    results = [
        {
            "root_domain": r[2],
            "root_domains_to_root_domain": r[5],
            "domain_authority": -r[1],
            "link_propensity": -r[3] + 0.0,
            "spam_score": -r[4],
            "to_target": {
                "pages": r[6],
                "nofollow_pages": r[7],
                "redirect_pages": r[8],
                "deleted_pages": r[9],
            },
        }
        for r in rows[:limit]
    ]
    return _json({"results": results, "next_token": ""})


async def url_metrics(request: Request) -> Response:
    body = orjson.loads(await request.body())
    con = _con()
    results = []
    for target in body["targets"]:
        values: dict[str, object] = {"page": target}
        row = con.execute("SELECT * FROM pages WHERE page = ?", (target,)).fetchone()
        if row is not None:
            values.update(zip(PAGE_COLUMNS, row, strict=True))
            for table, columns, key in (
                ("subdomains", SUBDOMAIN_COLUMNS, values["subdomain"]),
                ("root_domains", ROOT_DOMAIN_COLUMNS, values["root_domain"]),
            ):
                found = con.execute(
                    f"SELECT * FROM {table} WHERE {columns[0]} = ?", (key,)
                ).fetchone()
                if found is not None:
                    values.update(zip(columns, found, strict=True))
        results.append({field: values.get(field, 0) for field in URL_METRIC_FIELDS})
    return _json({"results": results})


app = Starlette(
    routes=[
        Route("/v2/linking_root_domains", linking_root_domains, methods=["POST"]),
        Route("/v2/url_metrics", url_metrics, methods=["POST"]),
    ]
)
