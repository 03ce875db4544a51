"""What a linking root domain's vote adds to a target's evidence, the sum DA, PA and BA scale.

A vote is trust (spam factor x farm factor) x sqrt(strength), and counts more from more pages.
"""

from __future__ import annotations

import numpy as np

# A root domain linked only by domains it links back to (as a farm's members are) or by likely
# spam has its votes damped to 1 / (1 + roots it links to / this).
UNVOUCHED_FREE_LINKS = 3.0
# Moz's "high" Spam Score band starts here: links from such domains carry no authority.
HIGH_SPAM = 61
# The strongest sources of each target's evidence kept for `linkindex explain`.
TOP_SOURCES = 5


def farm_factor(
    followed_roots_out: np.ndarray, linkers: np.ndarray, independent_linkers: np.ndarray
) -> np.ndarray:
    """Less than 1 for a domain vouched for only by its own circle, the more it links out.

    A domain nobody in the index links to keeps 1: in a crawl that saw a small part of the
    web, most real sites have no linker in it, so that absence says how much the crawl saw,
    not that the site is a farm; its spam signals speak for it instead (spam_scores.trust_score).
    """
    circle_only = (linkers > 0) & (independent_linkers == 0)
    damped = 1.0 / (1.0 + followed_roots_out / UNVOUCHED_FREE_LINKS)
    return np.where(circle_only, damped, 1.0)


def spam_factor(spam_score: np.ndarray) -> np.ndarray:
    """1 - spam probability; 0 in the high band; 1 where no spam score exists (-1)."""
    factor = np.where(spam_score >= 0, 1.0 - spam_score / 100.0, 1.0)
    return np.where(spam_score >= HIGH_SPAM, 0.0, factor)


def linker_votes(strength: np.ndarray, trust: np.ndarray) -> np.ndarray:
    """What one root domain's link is worth as evidence: trust x sqrt(its own strength).

    An unlinked, fully trusted linker counts 1, as one linking root domain does in Moz's
    counts; a stronger one counts more, by the square root so that no single linker outweighs
    many independent ones (a rank ratio of 100 counts as 10 plain linking root domains).
    """
    return trust * np.sqrt(strength)


# How much more a linker vouches for a target from more of its pages: 1 + ln(pages) * this.
PAGE_DEPTH = 0.5


def page_depth(pages: np.ndarray) -> np.ndarray:
    """1 + ln(pages) * PAGE_DEPTH: Moz's link metrics count linking pages as well as linking
    root domains, log-transformed; the log keeps a sitewide link from one root domain worth far
    less than many root domains (1,000 pages count 4.5 times one page, not 1,000 times)."""
    return 1.0 + PAGE_DEPTH * np.log(np.maximum(pages, 1))
