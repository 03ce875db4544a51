"""Single build steps run alone, each on a few hand-made rows of the tables it declares."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime

import duckdb
import numpy as np
import pyarrow as pa
import pytest
from build_engines import BuildEngine

from linkindex.builder import aggregates, authority, link_state, spam_measures
from linkindex.builder.runner import run_step
from linkindex.builder.spam_scores import signals_json
from linkindex.builder.steps import Step
from linkindex.scoring.spam_signals import SIGNAL_NAMES


def _step(steps: tuple[Step, ...], name: str) -> Step:
    (step,) = [s for s in steps if s.name == name]
    return step


def run_alone(engine: BuildEngine, step: Step, **tables: list[dict]) -> dict[str, list[dict]]:
    """The step's tables, made on the engine from the given rows of the tables it declares (and
    no other)."""
    assert set(tables) == set(step.reads)
    with engine.opened() as alone:
        for name, rows in tables.items():
            alone.write_table(name, pa.Table.from_pylist(rows))
        run_step(alone, step)
        return {t: alone.read_table(t).to_pylist() for t in step.writes}


def _day(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC).replace(tzinfo=None)


def _capture(page: str, day: str, status: int, title: str | None, https: bool) -> dict:
    return {"page": page, "subdomain": page.split("/")[0], "root_domain": page.split("/")[0],
            "fetch_time": _day(day), "http_status": status, "title": title,
            "content_bytes": 100, "text_chars": 10, "contact_links": None,
            "https": https}  # fmt: skip


def test_a_pages_newest_capture_gives_its_values_even_a_missing_title(engine):
    captures = [
        _capture("a.com/", "2026-01-01", 200, "Old title", False),
        _capture("a.com/", "2026-02-01", 404, None, True),
        _capture("b.com/", "2026-01-15", 200, "B", False),
    ]
    rows = run_alone(engine, _step(link_state.FULL_STEPS, "page_latest"), captures=captures)
    latest = {r["page"]: r for r in rows["page_latest"]}
    assert latest["a.com/"]["latest_time"] == _day("2026-02-01")
    assert (latest["a.com/"]["http_status"], latest["a.com/"]["title"]) == (404, None)
    assert latest["a.com/"]["https"] is True
    assert latest["b.com/"]["title"] == "B"


def _span(source: str, target: str, last: str) -> dict:
    return {"source_page": source, "target_page": target, "source_subdomain": source,
            "source_root_domain": source, "target_subdomain": target, "target_root_domain": target,
            "first_seen": _day("2026-01-01"), "last_seen": _day(last), "followed": True,
            "redirect": False, "rel_canonical": False, "anchor_raw": ""}  # fmt: skip


def test_a_link_is_lost_on_the_first_capture_of_its_source_after_it_was_last_seen(engine):
    captures = [{"page": "s.com/", "fetch_time": _day(d)}
                for d in ("2026-01-01", "2026-02-01", "2026-03-01")]  # fmt: skip
    gaps = run_alone(engine, _step(link_state.FULL_STEPS, "capture_gaps"), captures=captures)
    spans = [
        _span("s.com/", "live.com/", "2026-03-01"),
        _span("s.com/", "gone.com/", "2026-01-01"),
        # seen in a response that was not kept as a capture (a 503, say): lost on the next one
        _span("s.com/", "between.com/", "2026-01-15"),
        _span("never-captured.com/", "t.com/", "2026-01-01"),
    ]
    page_latest = [{"page": "s.com/", "latest_time": _day("2026-03-01")}]
    rows = run_alone(engine, _step(link_state.FULL_STEPS, "links"), spans=spans,
                     page_latest=page_latest, capture_gaps=gaps["capture_gaps"])  # fmt: skip
    links = {r["target_page"]: (r["live"], r["date_lost"]) for r in rows["links"]}
    assert links["live.com/"] == (True, None)
    assert links["gone.com/"] == (False, datetime(2026, 2, 1).date())
    assert links["between.com/"] == (False, datetime(2026, 2, 1).date())
    assert links["t.com/"] == (True, None)


def _record(target: str, day: str, anchor: str | None, redirect: bool | None) -> dict:
    return {"source_page": "s.com/", "target_page": target, "source_subdomain": "s.com",
            "source_root_domain": "s.com", "target_subdomain": target.split("/")[0],
            "target_root_domain": target.split("/")[0], "fetch_time": _day(day),
            "anchor_text": anchor, "nofollow": False, "ugc": False, "sponsored": False,
            "in_comments": False, "redirect": redirect, "rel_canonical": False}  # fmt: skip


def test_a_links_flags_and_anchor_are_its_newest_captures_where_null_wins_a_tie(engine):
    records = [
        _record("t.com/", "2026-01-01", None, None),  # older: loses to any newer value
        _record("t.com/", "2026-02-01", "b", False),
        _record("t.com/", "2026-02-01", "", True),  # true and non-empty win their tie
        _record("n.com/", "2026-02-01", "a", True),
        _record("n.com/", "2026-02-01", None, None),  # NULL wins its capture's tie
    ]
    rows = run_alone(engine, _step(link_state.FULL_STEPS, "spans"), raw_links=records)
    spans = {r["target_page"]: r for r in rows["spans"]}
    assert (spans["t.com/"]["redirect"], spans["t.com/"]["anchor_raw"]) == (True, "b")
    assert (spans["n.com/"]["redirect"], spans["n.com/"]["anchor_raw"]) == (None, None)
    assert spans["t.com/"]["in_comments"] is False and spans["t.com/"]["followed"] is True
    assert (spans["t.com/"]["target_root_domain"], spans["t.com/"]["first_seen"]) == (
        "t.com",
        _day("2026-01-01"),
    )


def test_a_links_flags_are_its_newest_captures_before_1970_too(engine):
    # A capture time before the epoch makes the flags' sort key negative.
    records = [
        _record("t.com/", "1969-06-01", "a", True),
        _record("t.com/", "1969-07-01", "b", False),  # newest: its false wins
        _record("n.com/", "1969-07-01", "a", None),
        _record("n.com/", "1969-07-01", "a", True),  # NULL wins its capture's tie
        _record("o.com/", "1969-12-31", "a", True),
        _record("o.com/", "1970-01-02", "a", False),  # newest, across the epoch
    ]
    rows = run_alone(engine, _step(link_state.FULL_STEPS, "spans"), raw_links=records)
    spans = {r["target_page"]: r["redirect"] for r in rows["spans"]}
    assert spans == {"t.com/": False, "n.com/": None, "o.com/": False}


def test_out_links_of_a_page_count_live_links_and_other_root_domains(engine):
    def link(target: str, followed: bool = True, live: bool = True) -> dict:
        return {"source_page": "a.com/1", "source_root_domain": "a.com", "target_page": target,
                "target_root_domain": target.split("/")[0], "live": live,
                "followed": followed}  # fmt: skip

    links = [link("b.com/x"), link("b.com/y", followed=False), link("c.com/", followed=False),
             link("a.com/2"), link("d.com/", live=False)]  # fmt: skip
    (row,) = run_alone(engine, _step(aggregates.STEPS, "counts_from_page"), links=links)[
        "counts_from_page"
    ]
    assert row == {"page": "a.com/1", "root_domains_from": 2, "nofollow_root_domains_from": 1,
                   "pages_from": 4, "nofollow_pages_from": 2}  # fmt: skip


def test_a_spam_measure_counts_each_200_pages_own_links(engine):
    def link(source: str, target: str, anchor: str = "", **flags: bool) -> dict:
        return {"source_page": source, "source_root_domain": source.split("/")[0],
                "target_page": target, "target_root_domain": target.split("/")[0],
                "anchor_text": anchor, "in_nav": flags.get("in_nav", False),
                "in_comments": flags.get("in_comments", False), "redirect": False,
                "rel_canonical": False, "nofollow": flags.get("nofollow", False),
                "ugc": False, "sponsored": False, "fetch_time": _day("2026-01-01")}  # fmt: skip

    latest_links = [
        link("a.com/", "b.com/", "a friend"),
        link("a.com/", "c.com/", "other", nofollow=True),
        link("a.com/", "a.com/about", "about", in_nav=True),
        link("a.com/", "linkedin.com/in/a"),
        link("a.com/", "e.com/", "a visitor", in_comments=True),  # not the site's own link
        link("a.com/gone", "b.com/", "never counted"),
    ]
    page_latest = [
        {"page": "a.com/", "http_status": 200},
        {"page": "a.com/gone", "http_status": 404},
    ]
    step = _step(spam_measures.STEPS, "page_outlinks")
    (row,) = run_alone(engine, step, latest_links=latest_links, page_latest=page_latest)[
        "page_outlinks"
    ]
    assert (row["page"], row["external_links"], row["internal_links"]) == ("a.com/", 4, 1)
    assert row["external_anchor_chars"] == len("a friend") + len("other") + len("a visitor")
    assert (row["nav_links"], row["vouched_links"], row["links_linkedin"]) == (1, 2, True)


def _rank_inputs(edge_order: list[int]) -> dict[str, list[dict]]:
    # Root domains 0, 1, 2 with a page each: 0 and 2 link to 1.
    root_edges = [{"source": 0, "target": 1, "pages": 1}, {"source": 2, "target": 1, "pages": 3}]
    return {
        "root_support": [{"node": n, "followed_roots_out": int(n != 1), "linkers": 2 * (n == 1),
                          "independent_linkers": 2 * (n == 1)} for n in (2, 0, 1)],
        "root_spam": [{"node": n, "spam_score": -1} for n in range(3)],
        "root_edges": [root_edges[i] for i in edge_order],
        "page_edges": [{"source": s, "target": 1, "source_root": s, "same_root_pages": 1}
                       for s in (0, 2)],
        "page_roots": [{"node": n, "root": n} for n in range(3)],
        "page_voters": [{"target": 1, "source_root": s} for s in (2, 0)],
    }  # fmt: skip


def _run_ranks(engine, inputs: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """The rank steps one after the other, each handed only what it declares."""
    tables = dict(inputs)
    for name in ("root_ranks", "page_strength", "page_ranks"):
        step = _step(authority.STEPS, name)
        tables.update(run_alone(engine, step, **{t: tables[t] for t in step.reads}))
    return {t: tables[t] for t in ("root_rank", "page_rank")}


def test_ranks_score_the_linked_domain_and_page_above_their_linkers(engine):
    made = _run_ranks(engine, _rank_inputs([0, 1]))
    roots = sorted(made["root_rank"], key=lambda r: r["node"])
    pages = sorted(made["page_rank"], key=lambda r: r["node"])
    assert [r["node"] for r in roots] == [0, 1, 2]
    assert roots[1]["domain_authority"] > max(
        roots[0]["domain_authority"], roots[2]["domain_authority"]
    )
    assert roots[1]["evidence"] > 0 and roots[0]["evidence"] == 0
    assert pages[1]["page_authority"] > pages[0]["page_authority"]
    # The step sums in its own order, so the rows' order does not move a bit of any score.
    assert _run_ranks(engine, _rank_inputs([1, 0])) == made


def test_brand_evidence_adds_each_linkers_vote_in_linker_order(engine):
    votes = [0.1, 0.2, 0.3, 1e-17, 0.7]
    rows = [{"root_domain": "t.com", "source_node": n, "vote": v} for n, v in enumerate(votes)]
    random.Random(3).shuffle(rows)
    rows.append({"root_domain": "u.com", "source_node": 9, "vote": 0.5})
    made = run_alone(engine, _step(authority.STEPS, "brand"), brand_votes=rows)["brand_scores"]
    brand = {r["root_domain"]: r for r in made}
    assert brand["t.com"]["branded_linkers"] == 5 and brand["u.com"]["branded_linkers"] == 1
    assert brand["t.com"]["brand_authority"] >= brand["u.com"]["brand_authority"]


@pytest.mark.parametrize("seed", [1, 2])
def test_the_signals_json_is_the_text_duckdbs_to_json_of_rounded_values_made(seed):
    rng = np.random.default_rng(seed)
    n = len(SIGNAL_NAMES)
    values = np.concatenate([
        rng.random((300, n)), rng.random((300, n)) * 1000, rng.integers(0, 10**6, (300, n)) / 20000,
        (rng.integers(-10**5, 10**5, (300, n)) + 0.5) / 10000, np.full((1, n), np.nan),
    ])  # fmt: skip
    values[rng.random(values.shape) < 0.1] = np.nan
    table = pa.table({name: pa.array(values[:, i], from_pandas=True)
                      for i, name in enumerate(SIGNAL_NAMES)})  # fmt: skip
    fields = ", ".join(f"{name} := round({name}, 4)" for name in SIGNAL_NAMES)
    con = duckdb.connect()
    con.register("measured", table)
    duck = [r[0] for r in con.execute(
        f"SELECT to_json(struct_pack({fields}))::VARCHAR FROM measured").fetchall()]  # fmt: skip
    ours = [signals_json(row) for row in values]
    assert ours == duck
    assert json.loads(ours[-1]) == dict.fromkeys(SIGNAL_NAMES)
