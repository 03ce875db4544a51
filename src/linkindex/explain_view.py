"""Rich rendering of `linkindex explain`: one table per score, the evidence beside each number.

Takes the dict linkindex.explain builds, so the JSON and the terminal show the same facts.
"""

from __future__ import annotations

from rich.console import Console
from rich.table import Table


def _sources_table(title: str, sources: list[dict]) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column("linking root domain")
    table.add_column("share of rank", justify="right")
    table.add_column("trust", justify="right")
    for row in sources:
        trust = row["trust"]
        table.add_row(
            row["root_domain"], f"{row['share']:.1%}", "" if trust is None else f"{trust:.2f}"
        )
    return table


def render(report: dict, console: Console) -> None:
    pa, da = report["page_authority"], report["domain_authority"]
    spam, lp, brand = report["spam_score"], report["link_propensity"], report["brand_authority"]
    console.print(f"[bold]{report['page']}[/bold]  (root domain {report['root_domain']}, "
                  f"index {report['index_id']})")  # fmt: skip
    console.print(
        f"\n[bold]Page Authority {pa['score']}[/bold] from {pa['linking_root_domains']} "
        f"linking root domains. {pa['rule']}."
    )
    if pa["strongest_sources"]:
        console.print(
            _sources_table("strongest sources of the page's rank", pa["strongest_sources"])
        )
    console.print(
        f"\n[bold]Domain Authority {da['score']}[/bold] from {da['linking_root_domains']} "
        f"linking root domains. {da['rule']}."
    )
    if da["strongest_sources"]:
        console.print(_sources_table("strongest sources of the domain's rank",
                                     da["strongest_sources"]))  # fmt: skip
    score = spam["score"]
    if score == -1:
        console.print("\n[bold]Spam Score -1[/bold]: no page of this root domain answered 200, "
                      "so too little is known to score it.")  # fmt: skip
    else:
        hits = sum(1 for s in spam["signals"] if s["hit"])
        console.print(f"\n[bold]Spam Score {score}%[/bold]: {hits} of "
                      f"{len(spam['signals'])} signals hit.")  # fmt: skip
        table = Table(show_header=True)
        table.add_column("signal")
        table.add_column("hit", justify="center")
        table.add_column("measured", justify="right")
        table.add_column("rule")
        for s in spam["signals"]:
            value = "not enough data" if s["value"] is None else f"{s['value']:g}"
            table.add_row(s["signal"], "[red]yes[/red]" if s["hit"] else "no", value, s["rule"])
        console.print(table)
    console.print(
        f"\n[bold]Link Propensity {lp['value']:.4g}[/bold] = "
        f"{lp['root_domains_from_root_domain']} root domains linked to / "
        f"{lp['pages_crawled_from_root_domain']} pages crawled."
    )
    console.print(
        f"[bold]Brand Authority {brand['score']}[/bold] from "
        f"{brand['branded_linking_root_domains']} root domains linking with its brand name."
    )
