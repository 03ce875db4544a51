"""The normal part of a synthetic web, from the streams [seed, 0] and [seed, 3, block].

Nothing here reads spam_domains or spam_sites: the normal domains, pages and normal-to-normal
links are the same with or without spam (with links=None; with links=N the random slots are a
prefix of the same sequence, cut where the total is met).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from linkindex.synth import text
from linkindex.synth.model import (
    CONTACT_EMAIL,
    CONTACT_PHONE,
    HTML_NOSCRIPT,
    HTML_STYLE,
    HTML_TEMPLATE,
    NAV_STYLES,
    NOISE_TLDS,
    NORMAL,
    REL_NOFOLLOW,
    REL_SPONSORED,
    REL_UGC,
    WORDS,
    Part,
    Slots,
    SynthParams,
    layout,
    name_traits,
    pick,
    recrawls,
    repeat_each,
    visible_rows,
)

_TLDS = ("com", "org", "net", "io", "de", "fr", "co.uk", "org.uk", "com.au", "co.jp")
_TLD_WEIGHTS = (0.42, 0.09, 0.08, 0.05, 0.08, 0.04, 0.12, 0.03, 0.06, 0.03)
_SYLLABLES = tuple(c + v for c in "bdfgklmnprstvz" for v in "aeiou") + ("ex", "on", "ar", "is")
# Consonant clusters (5+ consonants, y excluded) a few normal names carry, like "angstrom".
_CLUSTERS = ("ngstr", "rchst", "mpfst", "lzschw")

# Planted noise: the chance that a normal root domain has each trait (docs/synth.md).
NORMAL_TRAITS: dict[str, float] = {
    "numerals": 0.10,  # 2-4 digits in the name
    "hyphens": 0.08,  # two stems joined by "-"
    "long_name": 0.04,  # a name of 16+ characters
    "consonant_run": 0.03,  # a 5+ consonant cluster in the name
    "spam_tld": 0.05,  # one of NOISE_TLDS
    "http_only": 0.12,
    "no_contact": 0.12,  # no mailto:/tel: link on any page
    "thin_pages": 0.08,  # pages of a few words (galleries, stubs)
    "few_internal": 0.12,  # no navigation menu
    "external_nav": 0.05,  # 1-3 partner links in the site-wide navigation
    "many_external": 0.03,  # link directories: 25-44 extra external links, 30-119 words a page
    "markup_heavy": 0.08,  # a 20-80 KB inline script on every page
    "poison_title": 0.02,  # casino reviews, pharmacies: a poison word in every title
    "obscure": 0.03,  # 1/50 of the popularity its rank gives: few sites link to it
}


def _stem(rng: np.random.Generator, lo: int = 2, hi: int = 5) -> str:
    n = int(rng.integers(lo, hi))
    return "".join(_SYLLABLES[int(i)] for i in rng.integers(0, len(_SYLLABLES), n))


def _normal_name(rng: np.random.Generator, draw: dict[str, bool], tld: str, taken: set[str]) -> str:
    """A pronounceable name honouring the name traits drawn for it, unique among taken."""
    for attempt in range(8):
        parts = [_stem(rng)] + ([_stem(rng)] if draw["hyphens"] else [])
        if draw["consonant_run"]:
            cluster = _CLUSTERS[int(rng.integers(0, len(_CLUSTERS)))]
            parts[0] = parts[0][:2] + cluster + parts[0][2:]
        while draw["long_name"] and len("".join(parts)) + len(parts) - 1 < 16:
            parts[-1] += _stem(rng, 1, 3)
        name = "-".join(parts)
        if draw["numerals"] or attempt == 7:  # the last attempt makes it unique with digits
            name += str(int(rng.integers(10, 9999)))
        full = f"{name}.{tld}"
        if full not in taken:
            return full
    raise AssertionError("unreachable: digits make names unique")  # pragma: no cover


@dataclass
class NormalWeb:
    """What the spam parts and the random link slots need to know about the normal web."""

    part: Part
    first_page: np.ndarray  # int64[n_norm + 1]
    page_domain: np.ndarray  # int32[P_norm]
    pop_cum: np.ndarray  # float[P_norm]: external popularity of normal pages, cumulative
    pop_dom_cum: np.ndarray
    src_dom_cum: np.ndarray
    decay_cum: np.ndarray
    brand_p: np.ndarray  # float[n_norm]: share of external links to it that use its brand


def normal_web(params: SynthParams) -> NormalWeb:
    """Normal domains, hosts, pages, their life, text and fixed slots (menus, partners)."""
    rng = np.random.default_rng([params.seed, 0])
    C, D = params.crawls, params.root_domains
    draws = {t: rng.random(D) < p for t, p in NORMAL_TRAITS.items()}
    tld_idx = rng.choice(len(_TLDS), size=D, p=np.array(_TLD_WEIGHTS) / sum(_TLD_WEIGHTS))
    noise_tld = rng.integers(0, len(NOISE_TLDS), D)
    names: list[str] = []
    taken: set[str] = set()
    for d in range(D):
        draw = {t: bool(v[d]) for t, v in draws.items()}
        tld = NOISE_TLDS[int(noise_tld[d])] if draw["spam_tld"] else _TLDS[int(tld_idx[d])]
        names.append(_normal_name(rng, draw, tld, taken))
        taken.add(names[-1])
    n_pages_dom = np.minimum(
        rng.geometric(1 / max(params.pages_per_domain, 1), D), 20 * params.pages_per_domain
    ).astype(np.int64)
    n_hosts = np.minimum(n_pages_dom, 1 + rng.binomial(3, 0.3, D))
    host_names, host_domain, host_scheme, page_host, page_path = layout(
        rng, names, n_pages_dom, n_hosts, ~draws["http_only"], 0, 0
    )
    page_domain = host_domain[page_host]
    P = len(page_path)
    first_page = np.zeros(D + 1, dtype=np.int64)
    first_page[1:] = np.cumsum(n_pages_dom)
    within = np.arange(P) - first_page[page_domain]
    is_home = within < n_hosts[page_domain]

    # Page life: late births, 404 deaths and redirects only touch non-home pages.
    mortal = ~is_home
    birth = np.zeros(P, dtype=np.int8)
    if C > 1:
        late = mortal & (rng.random(P) < params.late_birth_rate)
        birth[late] = rng.integers(1, C, int(late.sum()))
    death = np.full(P, C, dtype=np.int8)
    for k in range(1, C):
        dies = mortal & (death == C) & (birth < k) & (rng.random(P) < params.death_rate)
        death[dies] = k

    # External popularity: Zipf over a random ranking of domains, then a decay over a
    # domain's pages, so a few home pages of a few domains become the hubs.
    rank = rng.permutation(D) + 1
    dom_w = 1.0 / rank.astype(float) ** params.zipf_exponent
    dom_w[draws["obscure"]] *= 0.02
    page_w = dom_w[page_domain] / (within + 1.0) ** 1.2
    pop_cum = np.cumsum(page_w)

    redirect = np.full(P, -1, dtype=np.int32)
    is_redir = mortal & (rng.random(P) < params.redirect_share)
    r_idx = np.flatnonzero(is_redir)
    cross = rng.random(len(r_idx)) < 0.5
    dom = page_domain[r_idx]
    lo, cnt = first_page[dom], n_pages_dom[dom]
    same = (lo + (within[r_idx] + 1 + rng.integers(0, np.maximum(cnt - 1, 1))) % cnt).astype(
        np.int32
    )
    tgt = np.where(cross, pick(pop_cum, rng.random(len(r_idx))), same)
    # No chains and no self-redirects: a target that is itself a redirect becomes its home page.
    bad = is_redir[tgt] | (tgt == r_idx)
    tgt[bad] = first_page[page_domain[tgt[bad]]]
    redirect[r_idx] = tgt
    redirect_status = np.where(redirect >= 0, np.where(rng.random(P) < 0.7, 301, 302), 0)
    captured = recrawls(rng, birth, params)

    # Text: prose length (a few words on thin sites and on 4 % of other pages), titles.
    thin = draws["thin_pages"][page_domain] | (rng.random(P) < 0.04)
    words = np.clip(np.exp(rng.normal(np.log(220.0), 0.7, P)), 30, text.MAX_WORDS)
    words = np.where(thin, rng.integers(0, 30, P), words)
    words = np.where(draws["many_external"][page_domain], rng.integers(30, 120, P), words)
    words = words.astype(np.int32)
    offset = (rng.random(P) * (text.PROSE_REGION - words + 1)).astype(np.int32)
    title_words = rng.integers(0, len(WORDS), (P, 2)).astype(np.int32)
    poison_kind = rng.integers(0, len(text.POISON), D)
    poison_pick = rng.integers(0, 1 << 20, P)
    for d in np.flatnonzero(draws["poison_title"]).tolist():
        kind_words = text.KIND_TITLE[tuple(text.POISON)[int(poison_kind[d])]]
        pages = np.arange(first_page[d], first_page[d + 1])
        title_words[pages, 1] = np.take(kind_words, poison_pick[pages] % len(kind_words))

    contact = np.where(
        draws["no_contact"], 0, CONTACT_EMAIL | np.where(rng.random(D) < 0.6, CONTACT_PHONE, 0)
    ).astype(np.int8)
    nav_style = rng.choice(len(NAV_STYLES), size=D, p=[0.6, 0.2, 0.1, 0.05, 0.05]).astype(np.int8)
    script = np.where(rng.random(D) < 0.3, rng.integers(80, 300, D), 0)
    script = np.where(draws["markup_heavy"], rng.integers(20_000, 80_000, D), script)
    html = (
        np.where(rng.random(D) < 0.5, HTML_STYLE, 0)
        | np.where(rng.random(D) < 0.05, HTML_TEMPLATE, 0)
        | np.where((script > 0) & (rng.random(D) < 0.5), HTML_NOSCRIPT, 0)
    )
    traits = [
        tuple(sorted({*name_traits(n)} | {t for t, v in draws.items() if v[d]}))
        for d, n in enumerate(names)
    ]
    part = Part(
        kind=NORMAL, names=names, traits=traits, n_pages_dom=n_pages_dom,
        host_names=host_names, host_domain=host_domain, host_scheme=host_scheme,
        page_host=page_host, page_path=page_path, birth=birth, death=death, redirect=redirect,
        redirect_status=redirect_status.astype(np.int16), captured=captured,
        title_words=title_words, words=words, text_offset=offset, contact=contact,
        contact_home_only=(contact > 0) & (rng.random(D) < 0.25), nav_style=nav_style,
        script_bytes=script.astype(np.int32), html=html.astype(np.int8),
    )  # fmt: skip
    menu_size = np.where(draws["few_internal"], 0, rng.integers(3, 7, D))
    part.slots.append(_menus(part, page_domain, first_page, menu_size, C))
    source = redirect < 0
    part.slots.append(_partner_links(rng, part, page_domain, pop_cum, draws, source))
    part.slots.append(_directory_links(rng, part, page_domain, pop_cum, draws, source, params))
    return NormalWeb(
        part=part,
        first_page=first_page,
        page_domain=page_domain.astype(np.int32),
        pop_cum=pop_cum,
        pop_dom_cum=np.cumsum(dom_w),
        src_dom_cum=np.cumsum(n_pages_dom * rng.lognormal(0.0, 0.8, D)),
        decay_cum=np.cumsum(1.0 / (np.arange(int(n_pages_dom.max())) + 1.0) ** 1.2),
        # How often other sites name a domain by its brand: beta-distributed around
        # brand_share, so a few normal domains are hardly ever linked by name.
        brand_p=rng.beta(1.5, 1.5 * (1 - params.brand_share) / params.brand_share, D),
    )


def _menus(
    part: Part, page_domain: np.ndarray, first_page: np.ndarray, menu_size: np.ndarray, C: int
) -> Slots:
    """Every non-redirect page links, in its navigation, to the first menu_size stable pages."""
    stable = np.flatnonzero((part.birth == 0) & (part.death == C) & (part.redirect < 0))
    sdom = page_domain[stable]
    rank = np.arange(len(stable)) - np.searchsorted(sdom, sdom)
    keep = rank < menu_size[sdom]
    menu, menu_rank = stable[keep], rank[keep]
    m_start = np.searchsorted(page_domain[menu], np.arange(len(part.names) + 1))
    src = np.flatnonzero(part.redirect < 0)
    i, j = repeat_each(np.diff(m_start)[page_domain[src]])
    src = src[i]
    at = m_start[page_domain[src]] + j
    dst = menu[at]
    s = Slots.stable(src, dst, text.MENU0 + menu_rank[at], part.birth[src], C, nav=True)
    return s.take(dst != src)


def _partner_links(
    rng: np.random.Generator,
    part: Part,
    page_domain: np.ndarray,
    pop_cum: np.ndarray,
    draws: dict[str, np.ndarray],
    source: np.ndarray,
) -> Slots:
    """external_nav sites: 1-3 popular pages of other domains in every page's navigation."""
    D, C = len(part.names), part.captured.shape[1]
    count = np.where(draws["external_nav"], rng.integers(1, 4, D), 0)
    partners = pick(pop_cum, rng.random(int(count.sum())))
    p_start = np.cumsum(count) - count
    src = np.flatnonzero(source)
    i, j = repeat_each(count[page_domain[src]])
    src = src[i]
    dst = partners[p_start[page_domain[src]] + j]
    anchor = text.BRAND0 + page_domain[dst]
    s = Slots.stable(src, dst, anchor, part.birth[src], C, nav=True)
    return s.take(page_domain[dst] != page_domain[src])


def _directory_links(
    rng: np.random.Generator,
    part: Part,
    page_domain: np.ndarray,
    pop_cum: np.ndarray,
    draws: dict[str, np.ndarray],
    source: np.ndarray,
    params: SynthParams,
) -> Slots:
    """many_external sites (link directories): 25-44 external links on every page."""
    src = np.flatnonzero(source & draws["many_external"][page_domain])
    rep = np.repeat(src, rng.integers(25, 45, len(src)))
    dst = pick(pop_cum, rng.random(len(rep)))
    brand = rng.random(len(rep)) < 0.5
    anchor = np.where(
        brand, text.BRAND0 + page_domain[dst], rng.integers(0, len(WORDS) ** 2, len(rep))
    )
    s = Slots.stable(rep, dst, anchor, part.birth[rep], params.crawls)
    return s.take(page_domain[dst] != page_domain[rep])


# Random normal slots are drawn in blocks of this many, each block from its own stream
# [seed, 3, block]: a web with fewer slots holds a prefix of the slots of one with more.
SLOT_BLOCK = 1 << 16


def _draw_slots(
    rng: np.random.Generator, n: int, nw: NormalWeb, params: SynthParams
) -> tuple[Slots, np.ndarray]:
    """n i.i.d. normal link slots and which are valid; picks go domain first, then page."""
    p, C = params, params.crawls
    first, npd = nw.first_page, nw.part.n_pages_dom
    sdom = pick(nw.src_dom_cum, rng.random(n))
    lo, cnt = first[sdom], npd[sdom]
    src = (lo + (rng.random(n) * cnt).astype(np.int64)).astype(np.int32)
    internal = rng.random(n) < p.internal_share
    off = np.where(rng.random(n) < 0.25, 0, (rng.random(n) * cnt).astype(np.int64))
    idst = lo + off
    idst = np.where(idst == src, lo + (off + 1) % cnt, idst)
    edom = pick(nw.pop_dom_cum, rng.random(n))
    ecnt = npd[edom]
    eoff = np.searchsorted(nw.decay_cum, rng.random(n) * nw.decay_cum[ecnt - 1], side="right")
    edst = first[edom] + np.minimum(eoff, ecnt - 1)
    dst = np.where(internal, idst, edst).astype(np.int32)
    u = rng.random(n)
    t1 = p.nofollow_share
    t2 = t1 + p.ugc_share
    t3 = t2 + p.sponsored_share
    rel = np.select(
        [u < t1, u < t2, u < t3, u < t3 + 0.01],
        [REL_NOFOLLOW, REL_UGC, REL_SPONSORED, REL_UGC | REL_NOFOLLOW],
        0,
    ).astype(np.uint8)
    brand = ~internal & (rng.random(n) < nw.brand_p[edom])
    anchor = np.where(brand, text.BRAND0 + edom, rng.integers(0, len(WORDS) ** 2, n))
    added = np.zeros(n, dtype=np.int8)
    if C > 1:
        gained = rng.random(n) < p.gained_rate
        added[gained] = rng.integers(1, C, int(gained.sum()))
    removed = np.full(n, C, dtype=np.int8)
    for k in range(1, C):
        lost = (removed == C) & (added < k) & (rng.random(n) < p.lost_rate)
        removed[lost] = k
    part = nw.part
    added = np.maximum(added, part.birth[src])
    # Redirect pages carry no HTML links; a slot drawn on one is simply dropped.
    valid = (dst != src) & (added < removed) & (part.redirect[src] < 0)
    s = Slots(src, dst, rel, anchor.astype(np.int32), added, removed, np.zeros(n, bool))
    return s, valid


def random_slots(nw: NormalWeb, params: SynthParams, target_rows: int | None) -> Slots:
    """Random normal slots: out_degree per non-redirect page, or enough for target_rows rows.

    Slots come in SLOT_BLOCK-sized blocks, each from its own stream, and are cut after the
    n-th draw (or the draw that reaches target_rows): fewer slots are a prefix of more.
    """
    C = params.crawls
    ks = np.arange(C)
    part = nw.part
    visible = part.captured & (
        (part.birth[:, None] <= ks) & (ks < part.death[:, None]) & (part.redirect[:, None] < 0)
    )
    n_slots = int(round(params.out_degree * int((part.redirect < 0).sum())))
    blocks: list[Slots] = []
    valids: list[np.ndarray] = []
    vises: list[np.ndarray] = []
    drawn, rows = 0, 0
    while (drawn < n_slots) if target_rows is None else (rows < target_rows):
        rng = np.random.default_rng([params.seed, 3, len(blocks)])
        block, valid = _draw_slots(rng, SLOT_BLOCK, nw, params)
        vis = np.where(valid, visible_rows(block, visible), 0).astype(np.int8)
        blocks.append(block)
        valids.append(valid)
        vises.append(vis)
        drawn += SLOT_BLOCK
        rows += int(vis.sum(dtype=np.int64))
    if not blocks:
        empty, _ = _draw_slots(np.random.default_rng([params.seed, 3]), 0, nw, params)
        return empty
    s, valid, vis = Slots.concat(blocks), np.concatenate(valids), np.concatenate(vises)
    keep = np.zeros(len(valid), dtype=bool)
    if target_rows is None:
        keep[:n_slots] = True
        return s.take(keep & valid)
    total = np.cumsum(vis, dtype=np.int64)
    cut = int(np.searchsorted(total, target_rows, side="right"))
    short = target_rows - (int(total[cut - 1]) if cut else 0)
    # A slot can be in up to C crawls, so the prefix may fall short by < C rows: top up
    # with the next slot that fills the gap exactly.
    extra = np.flatnonzero(vis[cut:] == short)[:1] + cut if short else []
    keep[:cut] = True
    keep[extra] = True
    return s.take(keep & valid)
