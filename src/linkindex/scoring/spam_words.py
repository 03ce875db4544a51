"""The words and TLDs the Spam Score's signals look for, and the patterns made of them.

Judgement calls kept in one place (docs/metrics.md says why each list holds what it holds).
"""

from __future__ import annotations

# TLDs that abuse reports keep listing among the most abused by spam and malware sites; a
# judgement call kept here in one place (docs/metrics.md says so).
SPAM_TLDS = (
    "xyz", "top", "info", "biz", "click", "link", "online", "site", "icu", "buzz", "work",
    "club", "loan", "win", "bid", "vip", "shop", "live", "rest", "fit", "cfd", "sbs", "tk",
    "ml", "ga", "cf", "gq",
)  # fmt: skip

# Pharma, adult, gambling and loan words ("poison words" in Moz's list of signals).
POISON_WORDS = (
    "viagra", "cialis", "levitra", "pharmacy", "pills", "casino", "poker", "roulette",
    "betting", "slots", "gambling", "porn", "xxx", "escort", "payday", "loans", "replica",
)  # fmt: skip

# Commercial-intent words of "money" anchors: link sellers and networks link with the keyword
# the client wants to rank for, where ordinary linkers use a name, a URL or a phrase of their
# own. "credit", "cash" and "hosting" are left out, too common in honest anchors ("photo
# credit"); "best" and "buy" stay, though honest anchors have them too ("best practices"): a
# rule takes a fifth of 3+ anchors, and without them the families' PBNs went from 90 % to
# 50 % caught on this signal. A judgement call (docs/metrics.md); the poison words have
# signals of their own and are not repeated here.
MONEY_WORDS = (
    "best", "cheap", "cheapest", "buy", "discount", "deals", "coupon", "coupons", "affordable",
    "insurance", "loan", "mortgage", "vpn", "essay", "essays", "forex", "crypto", "bitcoin",
    "seo", "diet", "lawyer", "attorney",
)  # fmt: skip


def _words(words: tuple[str, ...]) -> str:
    return r"\b(" + "|".join(words) + r")\b"


POISON_PATTERN = _words(POISON_WORDS)
MONEY_PATTERN = _words(MONEY_WORDS)
KEYWORD_PATTERN = _words(MONEY_WORDS + POISON_WORDS)

# The usual anchor-text category of generic anchors ("click here"), which no chosen phrase is:
# on a big index they fail a chosen phrase's last rule, but a small crawl may see one used for
# one site only.
GENERIC_ANCHORS = (
    "click here", "read more", "learn more", "find out more", "more info", "visit website",
    "visit site", "this site", "this website", "web site", "home page", "official site",
    "official website", "see more", "go to site", "check it out", "this link", "this page",
)  # fmt: skip
