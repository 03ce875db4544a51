"""Rich rendering of `linkindex explain`: one table per score, the evidence beside each number.

Takes the dict linkindex.explain builds, sentences included, so the JSON and the terminal show
the same facts in the same words.
"""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from linkindex.explain import heading, source_name


def _sources_table(title: str, sources: list[dict]) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column("linking root domain")
    table.add_column("share of evidence", justify="right")
    table.add_column("trust", justify="right")
    for row in sources:
        trust = row["trust"]
        table.add_row(
            escape(source_name(row)),
            f"{row['share']:.1%}",
            "" if trust is None else f"{trust:.2f}",
        )
    return table


def _section(report: dict, section: str, console: Console) -> None:
    console.print(f"\n[bold]{heading(report, section)}[/bold]: "
                  f"{escape(report[section]['summary'])}")  # fmt: skip


def render(report: dict, console: Console) -> None:
    pa, da, spam = report["page_authority"], report["domain_authority"], report["spam_score"]
    console.print(f"[bold]{escape(report['page'])}[/bold]  (root domain "
                  f"{escape(report['root_domain'])}, index {report['index_id']})")  # fmt: skip
    for note in report["notes"]:
        console.print(f"[yellow]{escape(note)}[/yellow]")
    _section(report, "page_authority", console)
    console.print(f"[dim]{escape(pa['rule'])}.[/dim]")
    if pa["strongest_sources"]:
        console.print(_sources_table("sources of the page's evidence", pa["strongest_sources"]))
    _section(report, "domain_authority", console)
    console.print(f"[dim]{escape(da['rule'])}.[/dim]")
    if da["strongest_sources"]:
        console.print(_sources_table("sources of the domain's evidence", da["strongest_sources"]))
    _section(report, "spam_score", console)
    if spam["score"] != -1:
        table = Table(show_header=True)
        table.add_column("signal")
        table.add_column("hit", justify="center")
        table.add_column("measured", justify="right")
        table.add_column("rule")
        for s in spam["signals"]:
            value = "not enough data" if s["value"] is None else f"{s['value']:g}"
            table.add_row(s["signal"], "[red]yes[/red]" if s["hit"] else "no", value,
                          escape(s["rule"]))  # fmt: skip
        console.print(table)
    _section(report, "link_propensity", console)
    _section(report, "brand_authority", console)
