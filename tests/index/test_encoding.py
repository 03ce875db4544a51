"""The index owns the snapshot's encoding: each rule of index/encoding.py round-trips, and the
build and the API speak to it in logical rows and names, never in stored forms."""

from __future__ import annotations

import ast
import itertools
import re
from datetime import date
from pathlib import Path

import duckdb
import pytest

from linkindex.index import encoding, link_queries, schema

SRC = Path(encoding.__file__).resolve().parent.parent


def test_every_combination_of_link_states_round_trips_through_the_flags_sql():
    states = list(encoding.LINK_FLAG_BITS)
    combos = list(itertools.product([False, True], repeat=len(states)))
    con = duckdb.connect()
    con.execute(f"CREATE TABLE l ({', '.join(f'{s} BOOLEAN' for s in states)})")
    con.executemany(f"INSERT INTO l VALUES ({', '.join('?' for _ in states)})", combos)
    stored = con.execute(f"SELECT {encoding.flags_sql()} FROM l").fetchall()
    decoded = [encoding.link_states(flags) for (flags,) in stored]
    assert decoded == [dict(zip(states, combo, strict=True)) for combo in combos]
    assert len({flags for (flags,) in stored}) == len(combos)  # one integer per combination


def test_a_date_is_stored_as_its_day_number_and_read_back():
    days = [date(1970, 1, 1), date(2000, 2, 29), date(2026, 3, 1), None]
    con = duckdb.connect()
    con.execute("CREATE TABLE d (day DATE)")
    con.executemany("INSERT INTO d VALUES (?)", [(d,) for d in days])
    stored = [n for (n,) in con.execute(f"SELECT {encoding.day_sql('day')} FROM d").fetchall()]
    assert stored[:-1] == [encoding.day_number(d) for d in days[:-1]] == [0, 11016, 20513]
    assert stored[-1] is None
    assert [encoding.iso_day(n) for n in stored] == [*(d.isoformat() for d in days[:-1]), ""]
    assert encoding.date_array(stored[:-1]).to_pylist() == days[:-1]


def test_descending_sorts_are_stored_as_ascending_keys():
    """A linking-root-domain list's stored order is the API's: highest DA first, then name."""
    logical = (
        "SELECT * FROM (VALUES ('t.com', 'a.com', 10, 0.5, 3, 7, 2, 1, 0, 0, true,"
        " DATE '2026-01-02', NULL), ('t.com', 'b.com', 50, 0.0, -1, 9, 1, 0, 0, 1, false,"
        " DATE '2026-01-01', DATE '2026-02-01'), ('t.com', 'c.com', 50, 1.0, 5, 1, 1, 0, 0, 0,"
        " true, DATE '2026-01-03', NULL)) v(target, source, domain_authority,"
        " link_propensity, spam_score, root_domains_to_root_domain, pages, nofollow_pages,"
        " redirect_pages, deleted_pages, has_follow, date_gained, date_lost)"
    )
    sql = encoding.stored_sql(schema.linking_root_table("page"), logical)
    rows = duckdb.connect().execute(sql).fetchall()
    stored = [dict(zip(schema.LINKING_ROOT_COLUMNS, row, strict=True)) for row in rows]
    assert [r["source"] for r in stored] == ["b.com", "c.com", "a.com"]
    assert [-r["neg_domain_authority"] for r in stored] == [50, 50, 10]
    assert [r["has_follow"] for r in stored] == [0, 1, 1]
    assert [encoding.iso_day(-r["neg_gained_day"]) for r in stored] == [
        "2026-01-01", "2026-01-03", "2026-01-02",
    ]  # fmt: skip
    assert stored[0]["neg_lost_day"] == -encoding.day_number(date(2026, 2, 1))


def test_keys_are_numbered_in_name_order_at_every_scope():
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE nodes AS SELECT * FROM (VALUES ('b.com/', 'b.com', 'b.com'),"
        " ('a.com/x', 'www.a.com', 'a.com'), ('a.com/', 'a.com', 'a.com')) v(page, subdomain,"
        " root_domain)"
    )
    for statement in encoding.key_table_statements("nodes"):
        con.execute(statement)
    keys = {
        scope: con.execute(encoding.key_table_sql(scope)).fetchall()
        for scope in schema.LINKING_ROOT_SCOPES
    }
    assert keys == {
        "page": [(1, "a.com/"), (2, "a.com/x"), (3, "b.com/")],
        "subdomain": [(1, "a.com"), (2, "b.com"), (3, "www.a.com")],
        "root_domain": [(1, "a.com"), (2, "b.com")],
    }


@pytest.mark.parametrize("dialect", encoding.DIALECTS)
def test_every_encoded_table_renders_its_stored_columns_in_each_dialect(dialect):
    for table in encoding.encoded_tables():
        sql = encoding.stored_sql(table, "SELECT 1", dialect)
        columns = sql.split("\nFROM")[0].removeprefix("SELECT ")
        names = [c.rsplit(" AS ", 1)[1] for c in columns.split(", ") if " AS " in c]
        assert names[-1] in sql and "ORDER BY" in sql
        if dialect == "spark":  # DuckDB-only forms stay out of the Spark rendering
            assert "::" not in sql and "strftime" not in sql and "- DATE" not in sql
    with pytest.raises(ValueError, match="dialect"):
        encoding.stored_sql("link_rows", "SELECT 1", "sqlite")


def test_link_filters_are_names_and_contradictions_are_found_by_name():
    assert link_queries.contradictory({"external", "follow", "nofollow"})
    assert link_queries.contradictory({"not_deleted", "lost_last_60_days"})
    assert not link_queries.contradictory({"external", "nofollow", "lost_last_60_days"})
    with pytest.raises(ValueError, match="unknown link filter"):
        link_queries.contradictory({"flags & 1"})


def _imports(folder: Path) -> dict[str, set[str]]:
    """Per module of a package folder: every name it imports (module.name for from-imports)."""
    found: dict[str, set[str]] = {}
    for path in folder.rglob("*.py"):
        names = found.setdefault(str(path.relative_to(SRC)), set())
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                names.update(f"{node.module}.{alias.name}" for alias in node.names)
            elif isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
    return found


def test_the_api_speaks_to_the_index_in_names_not_in_its_encoding():
    for module, names in _imports(SRC / "api").items():
        index_names = {n for n in names if n.startswith("linkindex.index.")}
        encoded = {n for n in index_names if "encoding" in n or "iso_day" in n or "day_number" in n}
        assert not encoded, f"{module} imports the snapshot's encoding: {encoded}"
    for path in (SRC / "api").rglob("*.py"):
        text = path.read_text()
        for stored in ("neg_", "flags &", "day_number", "iso_day", "1970"):
            assert stored not in text, f"{path.name} uses the stored form {stored!r}"


# What the build may ask of the encoding: to store a logical table, to number the keys, and
# the name of a logical column.
_BUILD_USES = {"stored_sql", "key_table_statements", "key_table_sql", "spam_hit_column"}


def test_the_build_hands_over_logical_rows_and_leaves_the_encoding_to_the_index():
    imports = _imports(SRC / "builder")
    for path in (SRC / "builder").rglob("*.py"):
        text = path.read_text()
        used = set(re.findall(r"\bencoding\.(\w+)\(", text)) | {
            name.rsplit(".", 1)[1]
            for name in imports[str(path.relative_to(SRC))]
            if name.startswith("linkindex.index.encoding.")
        }
        assert used <= _BUILD_USES, f"{path.name} uses encoding details: {used - _BUILD_USES}"
        for stored in ("neg_", "- DATE '1970-01-01'", "flags &", "LINK_FLAG", "link_keys", "<<"):
            assert stored not in text, f"{path.name} makes the stored form {stored!r}"


def test_spam_signal_hits_round_trip_through_the_stored_flags():
    signals = ["a", "b", "c"]
    hits = [dict(zip(signals, combo, strict=True)) for combo in itertools.product(
        [False, True], repeat=len(signals))]  # fmt: skip
    con = duckdb.connect()
    columns = ", ".join(f"{encoding.spam_hit_column(s)} BOOLEAN" for s in signals)
    con.execute(f"CREATE TABLE l ({columns})")
    con.executemany("INSERT INTO l VALUES (?, ?, ?)", [tuple(h.values()) for h in hits])
    stored = con.execute(f"SELECT {encoding.spam_flags_sql(signals)} FROM l").fetchall()
    decoded = [encoding.spam_signals_hit(flags, signals) for (flags,) in stored]
    assert decoded == [[s for s in signals if h[s]] for h in hits]
