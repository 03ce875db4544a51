// The anchor text table (POST /v2/anchor_text): each anchor of the followed external links to
// the target, with how many pages and root domains use it, on list_table.js.
import { number } from "./dom.js";
import { listTable } from "./list_table.js";

const ANCHOR_TEXT = {
  id: "anchors",
  endpoint: "anchor_text",
  title: "Anchor text",
  noun: "anchor texts",
  billing: "Each anchor text listed or exported is a row billed to your key.",
  order: "linking root domains", // the API's one order
  columns: [
    ["Anchor text", (r) => r.anchor_text || "(none)"],
    ["Linking root domains", (r) => number(r.external_root_domains)],
    ["Linking pages", (r) => number(r.external_pages)],
  ],
};

export function anchorText(target, scope, onError, say) {
  return listTable(ANCHOR_TEXT, target, scope, onError, say);
}
