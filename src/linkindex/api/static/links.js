// The inbound links table (POST /v2/links): one row per link, source and linked page with the
// source's authority, on list_table.js.
import { listTable, spam } from "./list_table.js";

const LINKS = {
  id: "links",
  endpoint: "links",
  title: "Inbound links",
  noun: "inbound links",
  billing: "Each link listed or exported is a row billed to your key.",
  sorts: {
    source_page_authority: "Page Authority",
    source_domain_authority: "Domain Authority",
    source_spam_score: "Spam Score",
    root_domains_to_source_page: "Source's linking root domains",
  },
  filters: {
    external: "all",
    "external+follow": "followed",
    "external+nofollow": "nofollow",
    "external+deleted": "lost",
    "external+redirect": "redirects",
  },
  columns: [
    ["Source page", (r) => r.source.page],
    ["PA", (r) => String(r.source.page_authority)],
    ["DA", (r) => String(r.source.domain_authority)],
    ["Spam Score", (r) => spam(r.source.spam_score)],
    ["Anchor text", (r) => r.anchor_text],
    ["Links to", (r) => r.target.page],
    ["Kind", (r) => (r.nofollow ? "nofollow" : "followed") + (r.redirect ? ", redirect" : "")],
    ["First seen", (r) => r.date_first_seen],
  ],
};

export function inboundLinks(target, scope, onError, say) {
  return listTable(LINKS, target, scope, onError, say);
}
