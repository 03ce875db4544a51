"""Rebuild the demo's bundled sample crawl (src/linkindex/data/sample/) and tests/data/cc/.
Owns downloading the Debian doc packages, pywb's iana.org WARC and npm warc's CC fixtures."""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from linkindex.urls import BadURL, canonicalize

REPO = Path(__file__).resolve().parent.parent
SAMPLE_DIR = REPO / "src" / "linkindex" / "data" / "sample"
CC_DIR = REPO / "tests" / "data" / "cc"

DOCS_CRAWL = "sample-2024"
IANA_CRAWL = "iana-2014"
# Namespace of the WARC-Record-IDs written here: uuid5(namespace, record type + URI + date).
RECORD_NS = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/linkindex/sample")
SOFTWARE = "linkindex scripts/make_sample.py"

PYWB = ("pywb", "2.10.0")  # sdist holds sample_archive/warcs/iana.warc.gz (GPL-3.0 package)
NPM_WARC = ("warc", "1.0.1")  # npm tarball holds test/fixtures/CC-MAIN-2014...warc{,.wat,.wet}
CC_MAX_BYTES = 500_000


@dataclass(frozen=True)
class Site:
    """One Debian documentation package and the public site its HTML is published on."""

    key: str
    package: str
    version: str  # pinned Debian version; --latest takes the candidate instead
    html_dir: str  # inside the extracted .deb
    base_url: str  # public URL of html_dir
    date: str  # fixed WARC-Date / HTTP Date of every capture of this site
    budget: int  # compressed bytes of page records in the output file
    licence: str


SITES: tuple[Site, ...] = (
    Site(
        "python",
        "python3.11-doc",
        "3.11.2-6+deb12u9",
        "usr/share/doc/python3.11/html",
        "https://docs.python.org/3.11/",
        "2024-03-04T09:00:00Z",
        1_500_000,
        "PSF License Version 2 (Python documentation)",
    ),
    Site(
        "sphinx",
        "sphinx-doc",
        "5.3.0-4",
        "usr/share/doc/sphinx-doc/html",
        "https://www.sphinx-doc.org/en/master/",
        "2024-03-05T09:00:00Z",
        800_000,
        "BSD-2-Clause (Sphinx)",
    ),
    Site(
        "django",
        "python-django-doc",
        "3:3.2.25-0+deb12u7",
        "usr/share/doc/python-django-doc/html",
        "https://django.readthedocs.io/en/3.2.x/",
        "2024-03-06T09:00:00Z",
        950_000,
        "BSD-3-Clause (Django)",
    ),
    Site(
        "postgresql",
        "postgresql-doc-15",
        "15.20-0+deb12u1",
        "usr/share/doc/postgresql-doc-15/html",
        "https://www.postgresql.org/docs/15/",
        "2024-03-07T09:00:00Z",
        750_000,
        "PostgreSQL License",
    ),
    Site(
        "nodejs",
        "nodejs-doc",
        "18.20.4+dfsg-1~deb12u3",
        "usr/share/doc/nodejs/api",
        "https://nodejs.org/docs/latest-v18.x/api/",
        "2024-03-08T09:00:00Z",
        850_000,
        "MIT (Node.js)",
    ),
)

# Synthesized 3xx responses around real URLs: (source, status, Location). The HTTP headers are
# written here, not captured; each mirrors how the site answers (http -> https, moved pages).
REDIRECTS_DATE = "2024-03-09T09:00:00Z"
REDIRECTS: tuple[tuple[str, int, str], ...] = (
    ("http://docs.python.org/", 301, "https://docs.python.org/"),
    ("https://docs.python.org/", 302, "https://docs.python.org/3/"),
    ("http://docs.python.org/3.11/", 301, "https://docs.python.org/3.11/"),
    ("https://www.python.org/dev/peps/", 301, "https://peps.python.org/"),
    ("https://www.python.org/dev/peps/pep-0008/", 301, "https://peps.python.org/pep-0008/"),
    ("https://pypi.python.org/pypi/Sphinx", 301, "https://pypi.org/project/Sphinx/"),
    ("http://sphinx-doc.org/", 301, "https://www.sphinx-doc.org/"),
    ("https://www.sphinx-doc.org/", 302, "https://www.sphinx-doc.org/en/master/"),
    ("http://django.readthedocs.io/", 301, "https://django.readthedocs.io/"),
    ("https://django.readthedocs.io/", 302, "https://django.readthedocs.io/en/stable/"),
    ("http://www.postgresql.org/", 301, "https://www.postgresql.org/"),
    ("https://postgresql.org/", 301, "https://www.postgresql.org/"),
    ("http://nodejs.org/", 301, "https://nodejs.org/"),
)
REASONS = {200: "OK", 301: "Moved Permanently", 302: "Found"}


@dataclass
class Page:
    path: str  # relative to the site's html_dir, "/"-separated
    url: str
    body: bytes
    packed: int  # gzip -9 size of the body: the budget unit
    targets: set[str] = field(default_factory=set)  # canonical page keys linked to
    roots: set[str] = field(default_factory=set)  # root domains linked to, own site excluded


def run(cmd: list[str], cwd: Path) -> None:
    print("+", " ".join(cmd), file=sys.stderr)
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL)


def fetch_deb(site: Site, work: Path, latest: bool) -> tuple[Path, str]:
    """apt-get download the package into work/ and extract it; return (tree, version)."""
    spec = site.package if latest else f"{site.package}={site.version}"
    debs = sorted(work.glob(f"{site.package}_*.deb"))
    if not debs or latest:
        run(["apt-get", "download", spec], cwd=work)
        debs = sorted(work.glob(f"{site.package}_*.deb"))
    deb = debs[-1]
    version = subprocess.run(
        ["dpkg-deb", "-f", str(deb), "Version"], check=True, capture_output=True, text=True
    ).stdout.strip()
    if not latest and version != site.version:
        sys.exit(f"{deb.name} is {version}, not the pinned {site.version}: remove it or --latest")
    tree = work / f"x-{site.package}"
    if not tree.exists():
        run(["dpkg-deb", "-x", str(deb), str(tree)], cwd=work)
    return tree, version


def packed_size(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9, mtime=0))


def load_pages(site: Site, tree: Path) -> list[Page]:
    root = tree / site.html_dir
    pages: list[Page] = []
    for file in sorted(root.rglob("*.html")):
        path = file.relative_to(root).as_posix()
        if file.is_symlink() or path.startswith("_"):
            continue  # _modules/_sources/_static: highlighted sources and assets, not docs
        body = file.read_bytes()
        page = Page(path, site.base_url + path, body, packed_size(body))
        own = canonicalize(site.base_url).root_domain
        for node in LexborHTMLParser(body).css("a[href]"):
            try:
                target = canonicalize(node.attributes.get("href") or "", page.url)
            except BadURL:
                continue
            page.targets.add(target.page)
            if target.root_domain != own:
                page.roots.add(target.root_domain)
        pages.append(page)
    return pages


def select_pages(site: Site, pages: list[Page]) -> list[Page]:
    """Deterministic choice within site.budget.

    Order: the index pages (root first, then by depth and path); then, greedily, the page adding
    the most root domains not linked yet (ties by path) while one adds at least two; then the
    pages most linked-to from the other pages of the site (ties by path).
    """
    by_key = {canonicalize(p.url).page: p for p in pages}
    indegree: Counter[str] = Counter()
    for p in pages:
        for t in p.targets:
            if t in by_key and by_key[t] is not p:
                indegree[by_key[t].path] += 1
    cap = site.budget // 8  # no single page may take more than an eighth of the budget
    chosen: list[Page] = []
    seen_roots: set[str] = set()
    used = 0

    def take(p: Page) -> bool:
        nonlocal used
        if p in chosen or p.packed > cap or used + p.packed > site.budget:
            return False
        chosen.append(p)
        seen_roots.update(p.roots)
        used += p.packed
        return True

    index_pages = [p for p in pages if p.path.rsplit("/", 1)[-1] == "index.html"]
    for p in sorted(index_pages, key=lambda p: (p.path.count("/"), p.path)):
        take(p)
    remaining = sorted((p for p in pages if p not in chosen), key=lambda p: p.path)
    while True:
        best = max(
            (p for p in remaining if p.packed <= cap and used + p.packed <= site.budget),
            key=lambda p: len(p.roots - seen_roots),
            default=None,
        )
        if best is None or len(best.roots - seen_roots) < 2:
            break
        take(best)
        remaining.remove(best)
    for p in sorted(remaining, key=lambda p: (-indegree[p.path], p.path)):
        take(p)
    return sorted(chosen, key=lambda p: p.path)


def http_date(warc_date: str) -> str:
    moment = datetime.strptime(warc_date, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    return format_datetime(moment, usegmt=True)


def record_id(kind: str, uri: str, date: str) -> str:
    return f"<urn:uuid:{uuid.uuid5(RECORD_NS, f'{kind} {uri} {date}')}>"


def write_warc(path: Path, description: str, date: str, entries: list[tuple]) -> None:
    """entries: (url, status, extra http headers, body). One gzip member per record, mtime 0."""
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True, warc_version="WARC/1.0")
    info_id = record_id("warcinfo", path.name, date)
    fields = f"software: {SOFTWARE}\r\nformat: WARC File Format 1.0\r\n"
    fields += f"description: {description}\r\n"
    info = writer.create_warc_record(
        "",
        "warcinfo",
        payload=io.BytesIO(fields.encode("utf-8")),
        warc_content_type="application/warc-fields",
        warc_headers_dict={
            "WARC-Record-ID": info_id,
            "WARC-Date": date,
            "WARC-Filename": path.name,
        },
    )
    writer.write_record(info)
    for url, status, headers, body in entries:
        http = StatusAndHeaders(
            f"{status} {REASONS[status]}",
            [("Date", http_date(date)), *headers, ("Content-Length", str(len(body)))],
            protocol="HTTP/1.1",
        )
        record = writer.create_warc_record(
            url,
            "response",
            payload=io.BytesIO(body),
            length=len(body),
            http_headers=http,
            warc_headers_dict={
                "WARC-Record-ID": record_id("response", url, date),
                "WARC-Date": date,
                "WARC-Warcinfo-ID": info_id,
            },
        )
        writer.write_record(record)
    path.write_bytes(buf.getvalue())


def fetch_pywb(work: Path, out: Path) -> None:
    name, version = PYWB
    sdists = sorted(work.glob(f"{name}-{version}.tar.gz"))
    if not sdists:
        run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "--no-binary",
                ":all:",
                "-d",
                str(work),
                f"{name}=={version}",
            ],
            cwd=work,
        )
        sdists = sorted(work.glob(f"{name}-{version}.tar.gz"))
    with tarfile.open(sdists[0]) as tar:
        member = tar.extractfile(f"{name}-{version}/sample_archive/warcs/iana.warc.gz")
        assert member is not None
        (out / "iana.warc.gz").write_bytes(member.read())


def fetch_npm_warc(work: Path, out: Path) -> list[str]:
    """Copy npm warc's Common Crawl fixtures; a file over CC_MAX_BYTES keeps whole records only."""
    name, version = NPM_WARC
    tgz = work / f"{name}-{version}.tgz"
    if not tgz.exists():
        run(["npm", "pack", f"{name}@{version}"], cwd=work)
    notes: list[str] = []
    out.mkdir(parents=True, exist_ok=True)
    with tarfile.open(tgz) as tar:
        for member in sorted(tar.getmembers(), key=lambda m: m.name):
            if not member.name.startswith("package/test/fixtures/CC-MAIN-"):
                continue
            data = tar.extractfile(member).read()  # type: ignore[union-attr]
            target = out / Path(member.name).name
            if len(data) > CC_MAX_BYTES:
                data = whole_record_prefix(data, CC_MAX_BYTES)
                notes.append(f"{target.name}: cut to its first {len(data)} bytes (whole records)")
            target.write_bytes(data)
    return notes


def whole_record_prefix(data: bytes, limit: int) -> bytes:
    """The longest prefix of an uncompressed WARC within limit that ends on a record boundary."""
    end = 0
    for record_start in range(len(data)):
        if data.startswith(b"WARC/1.0\r\n", record_start) and record_start <= limit:
            end = record_start
    return data[:end]


def count_records(path: Path) -> dict[str, int]:
    counts: Counter[str] = Counter()
    with path.open("rb") as stream:
        for record in ArchiveIterator(stream):
            counts[record.rec_type] += 1
    return dict(sorted(counts.items()))


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=SAMPLE_DIR, help="sample folder to write")
    parser.add_argument("--cc-out", type=Path, default=CC_DIR, help="CC fixture folder to write")
    parser.add_argument(
        "--work", type=Path, help="download/extract folder, kept and reused (default: a temp dir)"
    )
    parser.add_argument(
        "--latest", action="store_true", help="take apt's candidate versions, not the pinned ones"
    )
    args = parser.parse_args(argv)

    work = args.work or Path(tempfile.mkdtemp(prefix="linkindex-sample-"))
    work.chmod(0o755)  # apt-get download hands the file to the _apt user
    work.mkdir(parents=True, exist_ok=True)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    manifest: list[dict[str, object]] = []
    try:
        for site in SITES:
            tree, version = fetch_deb(site, work, args.latest)
            pages = load_pages(site, tree)
            chosen = select_pages(site, pages)
            name = f"docs-{site.key}.warc.gz"
            html = [("Content-Type", "text/html; charset=utf-8")]
            write_warc(
                out / name,
                f"{len(chosen)} HTML pages of Debian package {site.package} {version}, "
                f"served as {site.base_url}; HTTP headers synthesized",
                site.date,
                [(p.url, 200, html, p.body) for p in chosen],
            )
            print(f"{name}: {len(chosen)}/{len(pages)} pages", file=sys.stderr)
            manifest.append(
                {
                    "name": name,
                    "crawl": DOCS_CRAWL,
                    "source": f"Debian {site.package} {version}",
                    "licence": site.licence,
                }
            )
        write_warc(
            out / "redirects.warc.gz",
            "synthesized 3xx responses around real URLs of the documentation sites",
            REDIRECTS_DATE,
            [
                (
                    src,
                    status,
                    [("Location", dst), ("Content-Type", "text/html; charset=utf-8")],
                    b"",
                )
                for src, status, dst in REDIRECTS
            ],
        )
        manifest.append(
            {
                "name": "redirects.warc.gz",
                "crawl": DOCS_CRAWL,
                "source": "synthesized by scripts/make_sample.py",
                "licence": "Apache-2.0",
            }
        )
        fetch_pywb(work, out)
        manifest.append(
            {
                "name": "iana.warc.gz",
                "crawl": IANA_CRAWL,
                "source": f"PyPI {PYWB[0]} {PYWB[1]} sdist, sample_archive/warcs/",
                "licence": "GPL-3.0 (pywb); content of iana.org",
            }
        )
        for note in fetch_npm_warc(work, args.cc_out):
            print(note, file=sys.stderr)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)

    for entry in manifest:
        path = out / str(entry["name"])
        entry["bytes"] = path.stat().st_size
        entry["sha256"] = sha256(path)
        entry["records"] = count_records(path)
    document = {"crawls": sorted({str(e["crawl"]) for e in manifest}), "files": manifest}
    (out / "manifest.json").write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    total = sum(f.stat().st_size for f in out.iterdir() if f.is_file())
    print(f"{out}: {total} bytes in {len(os.listdir(out))} files", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
