"""The linking-root-domains family (V2 linking_root_domains, JSON-RPC data.site.linking-domain.*):
seed 002's checked rules -> the Snapshot's RootDomainQuery and a page under the result cap.
"""

from __future__ import annotations

from dataclasses import dataclass

from linkindex.api.lists import ListParams, Page, take_page
from linkindex.api.params import RESULT_CAP, LinkingRootDomainsRules
from linkindex.api.tokens import request_fingerprint
from linkindex.index.snapshot import LinkingRootRow, RootDomainQuery, Snapshot


@dataclass(frozen=True)
class LinkingRootsParams(ListParams):
    """A linking root domains request after check_linking_root_domains, in the index's terms."""

    rules: LinkingRootDomainsRules
    begin_date: str | None  # as sent: part of what a token must match
    end_date: str | None

    def fingerprint(self, name: str) -> bytes:
        """What a continuation token must match: ``name`` keeps each protocol's tokens apart."""
        return request_fingerprint(
            name, self.target, self.scope, self.sort, sorted(self.rules.filters),
            self.begin_date, self.end_date,
        )  # fmt: skip


def linking_roots_page(
    snapshot: Snapshot, params: LinkingRootsParams, after: tuple | None, served: int, limit: int
) -> Page[LinkingRootRow]:
    """One page of root domains linking to the target; a capped list stops at RESULT_CAP."""
    rules, filters = params.rules, params.rules.filters
    page_size = min(limit, RESULT_CAP - served) if rules.capped else limit
    if page_size <= 0:
        return Page([], None, served)
    rows = snapshot.linking_root_domains(
        RootDomainQuery(
            scope=params.scope,
            target=params.target,
            sort=params.sort,
            require_follow="follow" in filters,
            require_all_nofollow="nofollow" in filters,
            require_deleted="deleted" in filters,
            require_not_deleted="not_deleted" in filters,
            gained_since=snapshot.recent_since if "gained_last_60_days" in filters else None,
            lost_since=snapshot.recent_since if "lost_last_60_days" in filters else None,
            begin_date=rules.begin_date,
            end_date=rules.end_date,
            after=after,  # type: ignore[arg-type]
            limit=page_size + 1,
        )
    )
    page = take_page(rows, page_size, served)
    if rules.capped and served + page_size >= RESULT_CAP:
        return Page(page.rows, None, page.served)  # the cap is reached: no next page
    return page
