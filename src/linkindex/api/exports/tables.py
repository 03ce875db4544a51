"""The one definition of each exportable table's CSV columns: the API's field names, in the
order the Link Explorer's files have always had, and where each is in the endpoint's result.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass

from linkindex.api.exports.cells import cell
from linkindex.api.v2_pages import DEFAULT_TOP_PAGES_SCOPE

Path = tuple[str, ...]  # keys from a result down to the value (("to_target", "pages"))


@dataclass(frozen=True)
class ExportTable:
    """A V2 list the Explorer exports: its endpoint, columns and scope when none is sent."""

    endpoint: str
    columns: tuple[tuple[str, Path], ...]  # (header, where its value is in a result)
    default_scope: str

    @property
    def header(self) -> list[str]:
        return [name for name, _ in self.columns]

    def row(self, result: dict) -> list[str]:
        return [cell(_value(result, path)) for _, path in self.columns]


def _value(result: dict, path: Path) -> object:
    value: object = result
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _fields(*names: str, under: str | None = None, prefix: str = "") -> list[tuple[str, Path]]:
    """Columns named as the API's fields; `under` an object's fields flattened, `prefix`
    naming them (`source_` + `page` for `source.page`)."""
    return [(prefix + name, (under, name) if under else (name,)) for name in names]


TABLES: dict[str, ExportTable] = {
    table.endpoint: table
    for table in (
        ExportTable(
            "linking_root_domains",
            (
                *_fields(
                    "root_domain",
                    "domain_authority",
                    "spam_score",
                    "link_propensity",
                    "root_domains_to_root_domain",
                ),
                *_fields(
                    "pages", "nofollow_pages", "redirect_pages", "deleted_pages", under="to_target"
                ),
                # Given by the API only with sort date_gained / date_lost; empty otherwise.
                *_fields("date_gained", "date_lost"),
            ),  # fmt: skip
            "page",
        ),
        ExportTable(
            "links",
            (
                *_fields(
                    "page",
                    "page_authority",
                    "domain_authority",
                    "spam_score",
                    under="source",
                    prefix="source_",
                ),
                *_fields("anchor_text"),
                *_fields("page", under="target", prefix="target_"),
                *_fields(
                    "nofollow",
                    "redirect",
                    "rel_canonical",
                    "via_redirect",
                    "via_rel_canonical",
                    "date_first_seen",
                    "date_last_seen",
                    "date_disappeared",
                ),
            ),  # fmt: skip
            "page",
        ),
        ExportTable(
            "anchor_text",
            tuple(_fields("anchor_text", "external_root_domains", "external_pages")),
            "page",
        ),
        ExportTable(
            "top_pages",
            tuple(
                _fields(
                    "page",
                    "title",
                    "page_authority",
                    "root_domains_to_page",
                    "external_pages_to_page",
                    "http_code",
                    "last_crawled",
                )
            ),  # fmt: skip
            DEFAULT_TOP_PAGES_SCOPE,
        ),
    )
}


def csv_lines(rows: Iterable[list[str]]) -> bytes:
    """Rows as CSV lines (RFC 4180: CRLF, a cell with a quote, comma or line break quoted)."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8")
