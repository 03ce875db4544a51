// The linking root domains table (POST /v2/linking_root_domains), on list_table.js.
import { listTable, number, spam } from "./list_table.js";

const LINKING_ROOT_DOMAINS = {
  id: "lrd",
  endpoint: "linking_root_domains",
  title: "Linking root domains",
  noun: "linking root domains",
  billing: "Each root domain listed or exported is a row billed to your key.",
  sorts: {
    source_domain_authority: "Domain Authority",
    source_spam_score: "Spam Score",
    source_link_propensity: "Link Propensity",
  },
  filters: {
    external: "all",
    "external+follow": "with a followed link",
    "external+nofollow": "linking only with nofollow",
    "external+not_deleted": "linking now",
    "external+deleted": "lost (linked before)",
  },
  columns: [
    ["Root domain", (r) => r.root_domain],
    ["DA", (r) => String(r.domain_authority)],
    ["Spam Score", (r) => spam(r.spam_score)],
    ["Link Propensity", (r) => r.link_propensity.toFixed(2)],
    ["Linking pages", (r) => number(r.to_target.pages)],
    ["Nofollow pages", (r) => number(r.to_target.nofollow_pages)],
  ],
};

export function linkingRootDomains(target, scope, onError, say) {
  return listTable(LINKING_ROOT_DOMAINS, target, scope, onError, say);
}
