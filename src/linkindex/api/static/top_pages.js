// The top pages table (POST /v2/top_pages): the target's pages the index knows, most
// authoritative first, on list_table.js.
import { number } from "./dom.js";
import { listTable } from "./list_table.js";

const TOP_PAGES = {
  id: "top",
  endpoint: "top_pages",
  title: "Top pages",
  noun: "top pages",
  billing: "Each page listed or exported is a row billed to your key.",
  sorts: {
    page_authority: "Page Authority",
    root_domains_to_page: "linking root domains",
    external_pages_to_page: "linking pages",
  },
  filters: {
    all: "all",
    status_200: "HTTP 200",
    status_301: "HTTP 301",
    status_302: "HTTP 302",
    status_4xx: "HTTP 4xx",
  },
  columns: [
    ["Page", (r) => r.page],
    ["Title", (r) => r.title],
    ["PA", (r) => String(r.page_authority)],
    ["Linking root domains", (r) => number(r.root_domains_to_page)],
    ["Linking pages", (r) => number(r.external_pages_to_page)],
    ["HTTP", (r) => (r.http_code ? String(r.http_code) : "not crawled")],
  ],
};

export function topPages(target, scope, onError, say) {
  return listTable(TOP_PAGES, target, scope, onError, say);
}
