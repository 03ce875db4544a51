// The linking root domains table: POST /v2/linking_root_domains with the API's sorts, filters
// and next_token paging. Loaded only when asked for, since each row shown is a row billed; a
// page already seen is shown again from memory, not bought twice.
import * as api from "./api.js";

const SORTS = {
  source_domain_authority: "Domain Authority",
  source_spam_score: "Spam Score",
  source_link_propensity: "Link Propensity",
};
const FILTERS = {
  external: "all",
  "external+follow": "with a followed link",
  "external+nofollow": "linking only with nofollow",
  "external+not_deleted": "linking now",
  "external+deleted": "lost (linked before)",
};
const SIZES = [25, 50, 5];
const COLUMNS = ["Root domain", "DA", "Spam Score", "Link Propensity", "Linking pages", "Nofollow pages"];

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  for (const child of children) node.append(child);
  return node;
}

function choice(id, label, options) {
  const select = element("select", { id, name: id });
  for (const [value, text] of options) select.append(element("option", { value }, text));
  return [element("div", { class: "field" }, element("label", { for: id }, label), select), select];
}

function row(result) {
  const spam = result.spam_score < 0 ? "—" : `${result.spam_score}%`;
  const cells = [
    result.root_domain,
    String(result.domain_authority),
    spam,
    result.link_propensity.toFixed(2),
    result.to_target.pages.toLocaleString("en-US"),
    result.to_target.nofollow_pages.toLocaleString("en-US"),
  ];
  const tr = element("tr");
  cells.forEach((text, i) => tr.append(element(i ? "td" : "th", i ? {} : { scope: "row" }, text)));
  return tr;
}

// The section for `target` at `scope`; `onError(error)` is told of a refused call.
export function linkingRootDomains(target, scope, onError) {
  const [sortField, sort] = choice("lrd-sort", "Sort by", Object.entries(SORTS));
  const [filterField, filter] = choice("lrd-filter", "Filter", Object.entries(FILTERS));
  const [sizeField, size] = choice("lrd-limit", "Per page", SIZES.map((n) => [String(n), String(n)]));
  const show = element("button", { type: "submit" }, "Show linking root domains");
  const form = element("form", { id: "lrd-form", class: "controls" }, sortField, filterField, sizeField, show);
  const body = element("tbody");
  const caption = element("caption");
  const table = element("table", { id: "lrd-table" }, caption,
    element("thead", {}, element("tr", {}, ...COLUMNS.map((c) => element("th", { scope: "col" }, c)))),
    body);
  const wrap = element("div", { class: "table-wrap", hidden: "" }, table);
  const previous = element("button", { type: "button", id: "lrd-previous" }, "Previous page");
  const next = element("button", { type: "button", id: "lrd-next" }, "Next page");
  const where = element("span", { id: "lrd-page", "aria-live": "polite" });
  const pager = element("nav", { class: "pager", "aria-label": "Linking root domains pages", hidden: "" },
    previous, where, next);

  // pages[i]: {results, next_token} of page i of the current query, as the API answered.
  let pages = [];
  let shown = 0;

  function draw() {
    const page = pages[shown];
    body.replaceChildren(...page.results.map(row));
    caption.textContent = `Root domains linking to ${target} (${scope.replace("_", " ")}), by ${SORTS[sort.value]}`;
    where.textContent = `Page ${shown + 1}${page.next_token ? "" : " (last)"}`;
    previous.disabled = shown === 0;
    next.disabled = !page.next_token;
    wrap.hidden = false;
    pager.hidden = false;
  }

  async function load(token) {
    const request = {
      target, target_scope: scope, sort: sort.value, filter: filter.value,
      limit: Number(size.value),
    };
    if (token) request.next_token = token;
    wrap.setAttribute("aria-busy", "true");
    try {
      return await api.v2("linking_root_domains", request);
    } finally {
      wrap.removeAttribute("aria-busy");
      document.dispatchEvent(new Event("linkindex:billed")); // the header's rows used
    }
  }

  // Another sort, filter or size is another query: its tokens are not this one's.
  form.addEventListener("change", () => {
    pages = [];
    wrap.hidden = true;
    pager.hidden = true;
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      pages = [await load(null)];
      shown = 0;
      draw();
    } catch (error) {
      onError(error);
    }
  });
  next.addEventListener("click", async () => {
    try {
      if (shown + 1 === pages.length) pages.push(await load(pages[shown].next_token));
      shown += 1;
      draw();
    } catch (error) {
      onError(error);
    }
  });
  previous.addEventListener("click", () => {
    shown -= 1;
    draw();
  });

  return element("section", { class: "linking", "aria-labelledby": "lrd-title" },
    element("h2", { id: "lrd-title" }, "Linking root domains"),
    element("p", { class: "cost" }, "Each root domain listed is a row billed to your key."),
    form, wrap, pager);
}
