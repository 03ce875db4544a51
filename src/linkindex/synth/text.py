"""Words of the synthetic web: titles, anchors, prose, footers, and their exact visible lengths.

Every piece of visible text a page shows is plain ASCII without HTML-special characters, and the
HTML puts a newline between elements, so the page's folded visible text (what ingest measures as
text_chars) is its pieces joined by single spaces: sum of lengths + pieces - 1. That makes
text_chars computable with numpy for millions of pages without rendering them.
"""

from __future__ import annotations

import numpy as np

WORDS = (
    "alpha", "river", "garden", "market", "travel", "recipe", "guide", "review", "photo", "music",
    "health", "sport", "science", "history", "design", "energy", "finance", "city", "school",
    "data", "cloud", "green", "ocean", "mountain", "coffee", "book", "movie", "game", "family",
    "code",
)  # fmt: skip

# Poison words by kind of spam (pharma, gambling, loans, adult, counterfeit): every one is in
# the build's list of poison words, so a title or anchor holding one is what the signal looks for.
POISON = {
    "pharma": ("viagra", "cialis", "pharmacy", "pills"),
    "gambling": ("casino", "poker", "roulette", "betting", "slots"),
    "loans": ("payday", "loans"),
    "adult": ("xxx", "escort"),
    "replica": ("replica",),
}
# Spam without poison words: link sellers, crypto and essay mills.
CLEAN_SPAM = {
    "seo": ("backlinks", "seo", "traffic", "ranking"),
    "crypto": ("crypto", "bitcoin", "token", "airdrop"),
    "essays": ("essay", "homework", "thesis", "writing"),
}
SPAM_KINDS = tuple(POISON) + tuple(CLEAN_SPAM)
KIND_WORDS = {**POISON, **CLEAN_SPAM}
POISON_WORDS = tuple(w for ws in POISON.values() for w in ws)
HYPE = ("best", "cheap", "buy", "free", "top", "online", "fast", "bonus", "deals", "win", "now")

# Title words: WORDS, then every kind's words, then HYPE; a title is "<A> <b> | <host>".
TITLE_VOCAB = WORDS + tuple(w for ws in KIND_WORDS.values() for w in ws) + HYPE
KIND_TITLE = {k: [TITLE_VOCAB.index(w) for w in ws] for k, ws in KIND_WORDS.items()}
HYPE_TITLE = [TITLE_VOCAB.index(w) for w in HYPE]

MENU_ANCHORS = ("Home", "About us", "Blog", "Products", "News", "Services", "Docs", "Support")
# Spam anchors: per kind, "<hype> <word>" and "<hype> <word> online"; then generic ones.
KIND_ANCHORS = {
    k: [f"{h} {w}" for w in ws for h in HYPE[:6]]
    + [f"{h} {w} online" for w in ws for h in HYPE[:3]]
    for k, ws in KIND_WORDS.items()
}
GENERIC_SPAM_ANCHORS = ("click here", "read more", "visit site", "learn more", "see offer")


def base_anchors() -> list[str]:
    """Word pairs, menu words, every kind's spam anchors, generic spam anchors (brands follow)."""
    return (
        [f"{a} {b}" for a in WORDS for b in WORDS]
        + list(MENU_ANCHORS)
        + [a for k in SPAM_KINDS for a in KIND_ANCHORS[k]]
        + list(GENERIC_SPAM_ANCHORS)
    )


_BASE = base_anchors()
MENU0 = len(WORDS) ** 2  # anchor index of MENU_ANCHORS[0]
KIND_ANCHOR0: dict[str, int] = {}
_i = MENU0 + len(MENU_ANCHORS)
for _k in SPAM_KINDS:
    KIND_ANCHOR0[_k] = _i
    _i += len(KIND_ANCHORS[_k])
GENERIC0 = _i
BRAND0 = len(_BASE)  # anchor index of the first root domain's brand anchor

# Prose: two fixed token streams (ordinary words, then spam words); a page's paragraphs are
# n consecutive tokens from an offset, PARA_WORDS per <p>. Fixed seed: the same for every web.
PROSE_REGION = 4096
PARA_WORDS = 60
MAX_WORDS = 1500
_PROSE_VOCAB = (
    "the", "a", "of", "and", "to", "in", "is", "for", "on", "with", "that", "this", "our", "we",
    "you", "new", "more", "about", "how", "one", "all", "time", "year", "people", "way", "day",
    "work", "life", "place", "world", "small", "local", "first", "long", "good", "great", "own",
    "open", "read", "make", "take", "find", "use", "see", "walk", "plan", "notes", "story",
) + WORDS  # fmt: skip
_SPAM_PROSE_VOCAB = HYPE + POISON_WORDS + tuple(w for ws in CLEAN_SPAM.values() for w in ws) + (
    "guaranteed", "offer", "price", "order", "today", "discount", "shipping", "click", "now",
)  # fmt: skip
_tok_rng = np.random.default_rng(20260115)
TOKENS: list[str] = [
    *(_PROSE_VOCAB[i] for i in _tok_rng.integers(0, len(_PROSE_VOCAB), PROSE_REGION)),
    *(_SPAM_PROSE_VOCAB[i] for i in _tok_rng.integers(0, len(_SPAM_PROSE_VOCAB), PROSE_REGION)),
]
_TOKEN_CUM = np.concatenate([[0], np.cumsum([len(t) for t in TOKENS])]).astype(np.int64)


def prose(offset: int, n: int) -> list[str]:
    """The paragraphs of n words from offset: PARA_WORDS words each, the last one shorter."""
    words = TOKENS[offset : offset + n]
    return [" ".join(words[i : i + PARA_WORDS]) for i in range(0, n, PARA_WORDS)]


def prose_chars(offset: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Folded length of prose(offset, n), vectorized: word lengths plus one space between words."""
    offset, n = offset.astype(np.int64), n.astype(np.int64)
    chars = _TOKEN_CUM[offset + n] - _TOKEN_CUM[offset] + n - 1
    return np.where(n > 0, chars, 0)


def str_lengths(strings: list[str]) -> np.ndarray:
    return np.fromiter((len(s) for s in strings), dtype=np.int64, count=len(strings))


def label(root_domain: str) -> str:
    """The registered name without its suffix: the first label ("arlafa" of arlafa.co.uk)."""
    return root_domain.split(".", 1)[0]


def copyright_line(year: int, root_domain: str) -> str:
    return f"Copyright {year} {label(root_domain)}"


def email(root_domain: str) -> str:
    return f"info@{root_domain}"


def phone(domain_index: int) -> tuple[str, str]:
    """(tel: href, shown text) of a root domain's phone number; the text is 11 characters."""
    digits = f"{domain_index % 10000:04d}"
    return f"tel:+1555{digits}", f"+1 555 {digits}"


PHONE_CHARS = 11

# The body of every 404: each element on its own line, so its visible text folds to
# "Not Found Not Found" (the <title>, then the <h1>).
NOT_FOUND_BODY = (
    b"<!DOCTYPE html>\n<html><head><title>Not Found</title></head>\n"
    b"<body>\n<h1>Not Found</h1>\n</body></html>\n"
)
NOT_FOUND_TEXT_CHARS = 19
