"""Render a synthetic web as HTTP responses and write one deterministic WARC file per crawl.

Owns the HTML and href forms (relative, absolute, <base href>); meant for small webs used by tests.
"""

from __future__ import annotations

import html
import random
import uuid
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from linkindex.synth.model import (
    CONTACT_EMAIL,
    CONTACT_PHONE,
    HTML_NOSCRIPT,
    HTML_STYLE,
    HTML_TEMPLATE,
    NAV_STYLES,
    REL_NOFOLLOW,
    REL_SPONSORED,
    REL_UGC,
    Web,
)
from linkindex.synth.text import NOT_FOUND_BODY, copyright_line, email, phone, prose

# Record ids are uuid5 of crawl name and URL under this namespace, so reruns give the same bytes.
_NS = uuid.UUID("5f0d3c4e-8a59-4c1e-9a57-6c6e6b696e64")
_REASONS = {200: "OK", 301: "Moved Permanently", 302: "Found", 404: "Not Found"}
_MOVED = b"<!DOCTYPE html>\n<html><body><h1>Moved</h1></body></html>\n"
_STYLE = "<style>body{font-family:sans-serif;margin:0 auto}nav ul{display:flex}</style>"
# Opening and closing markup of the navigation, by model.NAV_STYLES (footer: inside <footer>).
_NAV_OPEN = {
    "nav": ["<nav>", "<ul>"],
    "header": ["<header>", "<ul>"],
    "role": ['<div role="navigation">', "<ul>"],
    "footer": ["<ul>"],
    "menu": ["<menu>"],
}
_NAV_CLOSE = {
    "nav": ["</ul>", "</nav>"],
    "header": ["</ul>", "</header>"],
    "role": ["</ul>", "</div>"],
    "footer": ["</ul>"],
    "menu": ["</menu>"],
}


@dataclass(frozen=True)
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    title: str | None  # what ingest should find in <title>


def _split(url: str) -> tuple[str, str, str]:
    scheme, rest = url.split("://", 1)
    slash = rest.find("/")
    return scheme, rest[:slash], rest[slash:]


def _rel_attr(bits: int, external: bool, rnd: random.Random) -> str:
    tokens = []
    if bits & REL_UGC:
        tokens.append("ugc")
    if bits & REL_NOFOLLOW:
        tokens.append("nofollow")
    if bits & REL_SPONSORED:
        tokens.append("sponsored")
    # noopener does not change followed-ness; ingest must not read it as nofollow.
    if external and rnd.random() < 0.1:
        tokens.append("noopener")
    return f' rel="{" ".join(tokens)}"' if tokens else ""


def href_for(target_url: str, base_url: str, rnd: random.Random) -> str:
    """One of several hrefs that all resolve against base_url to target_url's canonical form."""
    t_scheme, t_host, t_path = _split(target_url)
    b_scheme, b_host, b_path = _split(base_url)
    b_dir = b_path.split("?", 1)[0]
    b_dir = b_dir[: b_dir.rfind("/") + 1]
    r = rnd.random()
    if t_host == b_host and t_scheme == b_scheme:
        if r < 0.3:
            return t_path
        if r < 0.55 and t_path.startswith(b_dir) and len(t_path) > len(b_dir):
            rest = t_path[len(b_dir) :]
            return "./" + rest if rnd.random() < 0.3 else rest
        if r < 0.65 and b_dir != "/":
            parent = b_dir[: b_dir.rstrip("/").rfind("/") + 1]
            if t_path.startswith(parent):
                return "../" + t_path[len(parent) :]
        if r < 0.75:
            return "//" + t_host + t_path
    elif t_scheme == b_scheme and r < 0.15:
        return "//" + t_host + t_path
    host = t_host.upper() if rnd.random() < 0.1 else t_host
    if rnd.random() < 0.05:
        host += ":443" if t_scheme == "https" else ":80"
    frag = "#section-2" if rnd.random() < 0.05 else ""
    return f"{t_scheme}://{host}{t_path}{frag}"


def _script(size: int) -> str:
    """An inline script of exactly size characters of content (no visible text)."""
    head, tail = 'var d="', '";'
    return f"<script>{head}{'x' * max(size - len(head) - len(tail), 0)}{tail}</script>"


def render(web: Web, page: int, crawl: int) -> Response:
    """The HTTP response page gave in crawl k (the page must have been captured then).

    A 200 page is <nav> (or <header>, role=navigation, <menu>, or the footer) with its
    navigation links, <main> with <h1>, prose paragraphs and the other links, and <footer>
    with a copyright line and the site's mailto:/tel: links. Each element sits on its own
    line, so the visible text is the pieces joined by single spaces (Web.text_chars).
    """
    status = web.status(page, crawl)
    html_type = ("Content-Type", "text/html; charset=utf-8")
    if status == 404:
        return Response(404, [html_type], NOT_FOUND_BODY, "Not Found")
    urls = web.page_urls
    rnd = random.Random(f"{web.params.seed}:{page}:{crawl}")
    if status in (301, 302):
        target = int(web.page_redirect[page])
        location = urls[target]
        if web.page_host[target] == web.page_host[page] and rnd.random() < 0.3:
            location = _split(location)[2]  # relative Location (RFC 9110 allows it)
        return Response(status, [html_type, ("Location", location)], _MOVED, None)
    url = urls[page]
    scheme, host, _ = _split(url)
    base = ""
    base_url = url
    if rnd.random() < 0.1:
        base_url = f"{scheme}://{host}/docs/"
        base = f'<base href="{base_url}">'
    dom = int(web.page_domain[page])
    extra = int(web.domain_html[dom])
    style = _STYLE if extra & HTML_STYLE else ""
    title = html.escape(web.title(page))
    nav: list[str] = []
    body: list[str] = []
    for i in web.live_slots(page, crawl):
        dst, bits = int(web.link_dst[i]), int(web.link_rel[i])
        href = href_for(urls[dst], base_url, rnd)
        rel = _rel_attr(bits, int(web.page_domain[dst]) != dom, rnd)
        anchor = html.escape(web.anchors[int(web.link_anchor[i])])
        (nav if web.link_nav[i] else body).append(
            f'<li><a href="{html.escape(href)}"{rel}>{anchor}</a></li>'
        )
    nav_style = NAV_STYLES[int(web.domain_nav_style[dom])]
    if nav:
        nav = _NAV_OPEN[nav_style] + nav + _NAV_CLOSE[nav_style]
    lines = [
        "<!DOCTYPE html>",
        f'<html lang="en"><head><meta charset="utf-8"><title>{title}</title>{base}{style}</head>',
        "<body>",
        *(nav if nav_style != "footer" else []),
        "<main>",
        f"<h1>{title}</h1>",
        *(f"<p>{p}</p>" for p in prose(int(web.page_text_offset[page]), int(web.page_words[page]))),
        *(["<ul>", *body, "</ul>"] if body else []),
        *(["<template><p>Loading</p></template>"] if extra & HTML_TEMPLATE else []),
        "</main>",
        "<footer>",
        *(nav if nav_style == "footer" else []),
        f"<p>{copyright_line(web.crawl_dates[0].year, web.domain_names[dom])}</p>",
    ]
    n_contacts = web.page_contact_links[page]
    if n_contacts:
        bits = int(web.domain_contact[dom])
        root = web.domain_names[dom]
        if bits & CONTACT_EMAIL:
            lines.append(f'<p><a href="mailto:{email(root)}">{email(root)}</a></p>')
        if bits & CONTACT_PHONE:
            tel, shown = phone(dom)
            lines.append(f'<p><a href="{tel}">{shown}</a></p>')
    lines.append("</footer>")
    script = int(web.domain_script_bytes[dom])
    if script:
        if extra & HTML_NOSCRIPT:
            lines.append("<noscript><p>Please enable JavaScript.</p></noscript>")
        lines.append(_script(script))
    lines += ["</body></html>", ""]
    return Response(200, [html_type], "\n".join(lines).encode("utf-8"), web.title(page))


def record_id(crawl_name: str, url: str) -> str:
    return f"<urn:uuid:{uuid.uuid5(_NS, crawl_name + ' ' + url)}>"


def warc_path(out_dir: Path, crawl_name: str) -> Path:
    return out_dir / crawl_name / f"{crawl_name}-00000.warc.gz"


def write_warcs(web: Web, out_dir: Path) -> list[Path]:
    """Write <out_dir>/<crawl>/<crawl>-00000.warc.gz for every crawl; returns the files."""
    paths = []
    for k, name in enumerate(web.crawl_names):
        path = warc_path(Path(out_dir), name)
        path.parent.mkdir(parents=True, exist_ok=True)
        day = web.crawl_dates[k].isoformat()
        with path.open("wb") as fh:
            writer = WARCWriter(fh, gzip=True, warc_version="1.0")
            info = f"software: linkindex.synth\r\nformat: WARC File Format 1.0\r\ncrawl: {name}\r\n"
            info_headers = StatusAndHeaders(
                "",
                [
                    ("WARC-Type", "warcinfo"),
                    ("WARC-Record-ID", record_id(name, "warcinfo")),
                    ("WARC-Filename", path.name),
                    ("WARC-Date", f"{day}T00:00:00Z"),
                ],
                protocol="WARC/1.0",
            )
            payload = info.encode()
            writer.write_record(
                writer.create_warc_record(
                    "",
                    "warcinfo",
                    payload=BytesIO(payload),
                    length=len(payload),
                    warc_headers=info_headers,
                )
            )
            for page in web.captured[:, k].nonzero()[0].tolist():
                writer.write_record(_response_record(writer, web, page, k, name))
        paths.append(path)
    return paths


def _response_record(
    writer: WARCWriter, web: Web, page: int, crawl: int, crawl_name: str
) -> object:
    resp = render(web, page, crawl)
    url = web.page_urls[page]
    headers = [*resp.headers, ("Content-Length", str(len(resp.body)))]
    http = StatusAndHeaders(f"{resp.status} {_REASONS[resp.status]}", headers, protocol="HTTP/1.1")
    when = web.fetch_time(page, crawl).strftime("%Y-%m-%dT%H:%M:%SZ")
    return writer.create_warc_record(
        url,
        "response",
        payload=BytesIO(resp.body),
        length=len(resp.body),
        http_headers=http,
        warc_headers_dict={"WARC-Record-ID": record_id(crawl_name, url), "WARC-Date": when},
    )
