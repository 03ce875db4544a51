"""How a snapshot stores the build's logical tables: flag bits, day numbers, negated sort values,
key ids and clustered orders, each defined once, rendered as SQL for the build and decoded here.

The build hands over rows of names, dates, booleans and plain scores (docs/architecture.md,
"The build"); `stored_sql` wraps such a SELECT into the stored table's columns and key order, in
the SQL of DuckDB or Spark, so any engine that runs the logical query can run its encoding too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import pyarrow as pa

from linkindex.index import schema
from linkindex.scoring.spam_signals import SIGNAL_NAMES

DIALECTS = ("duckdb", "spark")

# --- Day numbers: a date is stored as its days since 1970-01-01 (an integer sorts and compares
# in one b-tree step, and numpy turns a window of them into a bitset of days).
EPOCH = date(1970, 1, 1)


def day_number(day: date) -> int:
    return (day - EPOCH).days


def iso_day(number: int | None) -> str:
    """A stored day number as YYYY-MM-DD; "" for none (a live link's date_disappeared)."""
    return "" if number is None else (EPOCH + timedelta(days=number)).isoformat()


def date_array(numbers: Sequence[int]) -> pa.Array:
    """Stored day numbers as an Arrow date32 array (which is days since 1970-01-01 itself)."""
    return pa.array(numbers, pa.int32()).cast(pa.date32())


def day_sql(expression: str, dialect: str = "duckdb") -> str:
    """SQL of a DATE's day number; NULL stays NULL."""
    # DuckDB subtracts dates into days; Spark's date subtraction gives an interval instead.
    if dialect == "spark":
        return f"datediff({expression}, DATE '1970-01-01')"
    return f"({expression} - DATE '1970-01-01')"


def date_text_sql(expression: str, dialect: str = "duckdb") -> str:
    """SQL of a DATE as the YYYY-MM-DD text url_metrics serves; "" for none."""
    if dialect == "spark":
        return f"coalesce(date_format({expression}, 'yyyy-MM-dd'), '')"
    return f"coalesce(strftime({expression}, '%Y-%m-%d'), '')"


# --- Negated sort values: every documented sort is descending, and stored negated each one is
# an ascending key range, so a page is one range scan and a cursor one row-value comparison.
def negated_sql(expression: str) -> str:
    return f"-({expression})"


# --- Flag bits: a link row's booleans are one integer, so every filter is `flags & mask = want`
# inside an index and the wider scopes' secondary indexes can carry them.
LINK_FLAG_BITS: dict[str, int] = {
    "nofollow": 1,
    "redirect": 2,
    "rel_canonical": 4,
    "via_redirect": 8,
    "via_rel_canonical": 16,
    "deleted": 32,
    # A via row whose linked page is itself inside the target at that scope: the direct row
    # already lists the link there, so the via row is skipped at that scope.
    "shadowed_subdomain": 64,
    "shadowed_root_domain": 128,
}


def flag_mask(states: Iterable[str]) -> int:
    """The bits of these link states together."""
    mask = 0
    for state in states:
        mask |= LINK_FLAG_BITS[state]
    return mask


def flags_sql(columns: Mapping[str, str] | None = None) -> str:
    """SQL of the flags integer from one boolean expression per state (default: its name)."""
    columns = columns or {}
    return " + ".join(
        f"(CASE WHEN {columns.get(state, state)} THEN {bit} ELSE 0 END)"
        for state, bit in LINK_FLAG_BITS.items()
    )


def link_states(flags: int) -> dict[str, bool]:
    """The stored flags integer as the link's named states."""
    return {state: bool(flags & bit) for state, bit in LINK_FLAG_BITS.items()}


# --- Spam Score flags: which of a root domain's signals hit, bit i for the i-th name of the
# snapshot's meta "spam_signals" (the signals of the build that wrote it, SIGNAL_NAMES then).
def spam_hit_column(signal: str) -> str:
    """The logical boolean column saying a Spam Score signal hit."""
    return f"hit_{signal}"


def spam_flags_sql(signals: Sequence[str] = SIGNAL_NAMES) -> str:
    """SQL of the flags integer from each signal's logical boolean over the row ``l``."""
    return " + ".join(
        f"(CASE WHEN l.{spam_hit_column(name)} THEN {1 << bit} ELSE 0 END)"
        for bit, name in enumerate(signals)
    )


def spam_signals_hit(flags: int, signals: Sequence[str]) -> list[str]:
    """The stored flags integer as the names of the signals that hit, in ``signals`` order."""
    return [name for bit, name in enumerate(signals) if flags >> bit & 1]


# --- Key ids: pages, subdomains and root domains are numbered in name order in the link tables
# (a link row is a third of its size with text keys, and ordering by id is ordering by name).
_NODE_COLUMNS = {"page": "page", "subdomain": "subdomain", "root_domain": "root_domain"}


def key_table_statements(nodes: str) -> list[str]:
    """CREATE TABLE statements numbering the keys of ``nodes`` (a relation with page,
    subdomain, root_domain columns) into each scope's link_keys table; both engines run them."""
    return [
        f"CREATE TABLE {schema.link_key_table(scope)} AS"
        f" SELECT row_number() OVER (ORDER BY {column}) AS id, {column} AS key"
        f" FROM (SELECT DISTINCT {column} FROM {nodes}) nodes"
        for scope, column in _NODE_COLUMNS.items()
    ]


def key_table_sql(scope: str) -> str:
    """The stored rows of one scope's key table, made by key_table_statements."""
    return f"SELECT id, key FROM {schema.link_key_table(scope)} ORDER BY id"


# --- Stored tables ---------------------------------------------------------------------------
@dataclass(frozen=True)
class _Stored:
    """One stored table as SQL over its logical row ``l``: a stored column's expression (a
    column not named is the logical column of its name), key lookups, and the stored order."""

    columns: tuple[str, ...]
    expressions: dict[str, str] = field(default_factory=dict)
    joins: tuple[str, ...] = ()
    order: str = ""


def _key(alias: str, scope: str, column: str) -> str:
    return f"JOIN {schema.link_key_table(scope)} {alias} ON {alias}.key = l.{column}"


def _layouts(dialect: str) -> dict[str, _Stored]:
    def day(column: str) -> str:
        return day_sql(f"l.{column}", dialect)

    def neg(column: str) -> str:
        return negated_sql(f"l.{column}")

    layouts = {
        "root_domain_scores": _Stored(
            schema.ROOT_DOMAIN_SCORE_COLUMNS,
            {"spam_flags": spam_flags_sql()},
            order="root_domain",
        ),
        # The serving table holds the capture date as url_metrics shows it.
        "pages": _Stored(
            schema.PAGE_COLUMNS,
            {"last_crawled": date_text_sql("l.last_crawled", dialect)},
            order="page",
        ),
        # A link row: a direct link (link_id 0: the linked page is the target) or one through a
        # live redirect / canonical hop; its source's metrics as url_metrics serves them.
        "link_rows": _Stored(
            schema.LINK_ROW_COLUMNS,
            {
                "target_id": "t.id",
                "external": "CAST(l.external AS INTEGER)",
                "neg_page_authority": neg("source_page_authority"),
                "source_id": "sp.id",
                "link_id": "CASE WHEN l.link_page = l.target_page THEN 0 ELSE lp.id END",
                "target_subdomain_id": "ts.id",
                "target_root_id": "tr.id",
                "source_subdomain_id": "ss.id",
                "source_root_id": "sr.id",
                "flags": flags_sql({s: f"l.{s}" for s in LINK_FLAG_BITS}),
                "neg_domain_authority": neg("source_domain_authority"),
                "neg_link_propensity": neg("source_link_propensity"),
                "neg_spam_score": neg("source_spam_score"),
                "neg_root_domains_to_source_page": neg("root_domains_to_source_page"),
                "neg_root_domains_to_source_root_domain": neg("root_domains_to_source_root_domain"),
                "first_day": day("date_gained"),
                "last_day": day("last_seen"),
                "lost_day": day("date_lost"),
            },
            (
                _key("t", "page", "target_page"),
                _key("sp", "page", "source_page"),
                _key("lp", "page", "link_page"),
                _key("ts", "subdomain", "target_subdomain"),
                _key("tr", "root_domain", "target_root_domain"),
                _key("ss", "subdomain", "source_subdomain"),
                _key("sr", "root_domain", "source_root_domain"),
            ),
            "target_id, external, neg_page_authority, source_id, link_id",
        ),
    }
    for scope in schema.LINKING_ROOT_SCOPES:
        layouts[schema.linking_root_table(scope)] = _Stored(
            schema.LINKING_ROOT_COLUMNS,
            {
                "neg_domain_authority": neg("domain_authority"),
                "neg_link_propensity": neg("link_propensity"),
                "neg_spam_score": neg("spam_score"),
                "has_follow": "CAST(l.has_follow AS INTEGER)",
                "neg_gained_day": negated_sql(day("date_gained")),
                "neg_lost_day": negated_sql(day("date_lost")),
            },
            order="target, neg_domain_authority, source",
        )
        layouts[schema.anchor_text_table(scope)] = _Stored(
            schema.ANCHOR_TEXT_COLUMNS,
            {"neg_root_domains": neg("root_domains"), "neg_pages": neg("pages")},
            order="target, neg_root_domains, neg_pages, anchor_text",
        )
    for scope in schema.TOP_PAGES_SCOPES:
        layouts[schema.top_pages_table(scope)] = _Stored(
            schema.TOP_PAGES_COLUMNS,
            {
                "neg_page_authority": neg("page_authority"),
                "neg_root_domains_to_page": neg("root_domains_to_page"),
                "neg_external_pages_to_page": neg("external_pages_to_page"),
            },
            order="target, neg_page_authority, page",
        )
    for table, scope in schema.AUTHORITY_HISTORY_SCOPES.items():
        layouts[table] = _Stored(
            schema.AUTHORITY_HISTORY_COLUMNS,
            {"target_id": "k.id", "day": day("day")},
            (_key("k", scope, "key"),),
            "target_id, day",
        )
    return layouts


def encoded_tables() -> tuple[str, ...]:
    """The stored tables whose rows are not the logical rows as they are."""
    return tuple(_layouts("duckdb"))


def stored_sql(table: str, logical: str, dialect: str = "duckdb") -> str:
    """A SELECT of ``table``'s stored columns, in its key order, from a logical SELECT.

    The logical columns each table needs are in docs/architecture.md ("The build"); link_rows
    and the history tables look names up in the key tables of key_table_statements.
    """
    if dialect not in DIALECTS:
        raise ValueError(f"unknown SQL dialect {dialect!r}: one of {', '.join(DIALECTS)}")
    layout = _layouts(dialect)[table]
    columns = ", ".join(
        f"{layout.expressions.get(column, f'l.{column}')} AS {column}" for column in layout.columns
    )
    joins = "".join(f"\n{join}" for join in layout.joins)
    return f"SELECT {columns}\nFROM ({logical}) l{joins}\nORDER BY {layout.order}"
