// A list the API pages with next_token (linking root domains, inbound links), as a table: the
// API's sorts and filters, a page size, paging, and a CSV export of every page (written by the
// server as it reads the list: api/exports/). Loaded only when asked for, since each row shown
// is billed; a page seen before is shown from memory.
import * as api from "./api.js";
import { element, number } from "./dom.js";

const SIZES = [25, 50, 5];

export function choice(id, label, options) {
  const select = element("select", { id, name: id });
  for (const [value, text] of options) select.append(element("option", { value }, text));
  return [element("div", { class: "field" }, element("label", { for: id }, label), select), select];
}

// `spec`: {id, endpoint, title, noun, billing, sorts, filters, columns: [[header, row => text,
// request => shown?]]}; a list without sorts or filters (anchor text) has `order`, the words for
// its one order, instead. `spec.more(id, {sort, filter})`, when given, adds the list's other
// parameters: {fields, params: () => request fields}; it may keep the API's rules between them
// and the sort and filter. `onError(error)` hears of a 401; `say(text)` of progress.
export function listTable(spec, target, scope, onError, say) {
  const id = spec.id;
  const [sortField, sort] = spec.sorts
    ? choice(`${id}-sort`, "Sort by", Object.entries(spec.sorts))
    : ["", null];
  const [filterField, filter] = spec.filters
    ? choice(`${id}-filter`, "Filter", Object.entries(spec.filters))
    : ["", null];
  const [sizeField, size] = choice(`${id}-limit`, "Per page", SIZES.map((n) => [String(n), String(n)]));
  const more = spec.more ? spec.more(id, { sort, filter }) : { fields: [], params: () => ({}) };
  const show = element("button", { type: "submit" }, `Show ${spec.noun}`);
  const exporter = element("button", { type: "button", id: `${id}-export`,
    "aria-label": `Export CSV (every page) of ${spec.noun}` }, "Export CSV (every page)");
  const form = element("form", { id: `${id}-form`, class: "controls" },
    sortField, filterField, ...more.fields, sizeField, show, exporter);
  // The API's 400 when it refuses a combination, in its own words.
  const refusal = element("p", { id: `${id}-error`, class: "error", role: "alert" });
  const body = element("tbody");
  const caption = element("caption");
  const head = element("tr");
  const table = element("table", { id: `${id}-table` }, caption, element("thead", {}, head), body);
  const wrap = element("div", { class: "table-wrap", hidden: "" }, table);
  const previous = element("button", { type: "button", id: `${id}-previous`,
    "aria-label": `Previous page of ${spec.noun}` }, "Previous page");
  const next = element("button", { type: "button", id: `${id}-next`,
    "aria-label": `Next page of ${spec.noun}` }, "Next page");
  const where = element("span", { id: `${id}-page`, "aria-live": "polite" });
  const pager = element("nav", { class: "pager", "aria-label": `Pages of ${spec.noun}`, hidden: "" },
    previous, where, next);

  // pages[i]: {results, next_token} of page i of the current query, as the API answered.
  let pages = [];
  let shown = 0;
  let asked = {}; // the request of the pages shown: some columns exist only for some requests

  function columns() {
    return spec.columns.filter(([, , when]) => !when || when(asked));
  }

  function row(result) {
    const tr = element("tr");
    columns().forEach(([, cell], i) =>
      tr.append(element(i ? "td" : "th", i ? {} : { scope: "row" }, cell(result))));
    return tr;
  }

  function draw() {
    const page = pages[shown];
    head.replaceChildren(...columns().map(([name]) => element("th", { scope: "col" }, name)));
    body.replaceChildren(...page.results.map(row));
    const order = sort ? spec.sorts[sort.value] : spec.order;
    caption.textContent = `${spec.title} of ${target} (${scope.replace("_", " ")}), by ${order}`;
    where.textContent = `Page ${shown + 1}${page.next_token ? "" : " (last)"}`;
    previous.disabled = shown === 0;
    next.disabled = !page.next_token;
    wrap.hidden = false;
    pager.hidden = false;
  }

  // The query the controls say; the export sends it too.
  function query(token, limit = Number(size.value)) {
    const request = { target, target_scope: scope, limit };
    if (sort) request.sort = sort.value;
    if (filter) request.filter = filter.value;
    Object.assign(request, more.params());
    if (token) request.next_token = token;
    return request;
  }

  async function load(token) {
    wrap.setAttribute("aria-busy", "true");
    try {
      return await api.v2(spec.endpoint, query(token));
    } finally {
      wrap.removeAttribute("aria-busy");
      document.dispatchEvent(new Event("linkindex:billed"));
    }
  }

  function failed(error) {
    if (error.status === 401) onError(error);
    else if (error.status === 400) refusal.textContent = `The API refused this query: ${error.message}`;
    else say(`${spec.title}: ${api.describe(error)}`);
  }

  // Another sort, filter or size is another query: its tokens are not this one's.
  form.addEventListener("change", () => {
    pages = [];
    refusal.textContent = "";
    wrap.hidden = true;
    pager.hidden = true;
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    refusal.textContent = "";
    try {
      asked = { ...(sort ? { sort: sort.value } : {}), ...(filter ? { filter: filter.value } : {}),
        ...more.params() };
      pages = [await load(null)];
      shown = 0;
      draw();
    } catch (error) {
      failed(error);
    }
  });
  next.addEventListener("click", async () => {
    try {
      if (shown + 1 === pages.length) pages.push(await load(pages[shown].next_token));
      shown += 1;
      draw();
    } catch (error) {
      failed(error);
    }
  });
  previous.addEventListener("click", () => {
    shown -= 1;
    draw();
  });

  // The whole list as a file the browser writes as the rows arrive: the page asks for a
  // ticket with the key (the request checked and the quota's cover, before any row is billed),
  // and the download follows it, since a download cannot send the key's header.
  exporter.addEventListener("click", async () => {
    exporter.disabled = true;
    try {
      const ticket = await api.exportTicket(spec.endpoint, query(null, 50));
      const link = element("a", { href: ticket.url, download: "" });
      document.body.append(link);
      link.click();
      link.remove();
      say(`Exporting ${spec.noun}: your browser saves the file as the rows arrive`
        + ` (at most ${number(ticket.row_cap)} rows; each one billed).`);
    } catch (error) {
      if (error.status === 401) onError(error);
      else say(`Export refused, nothing billed: ${api.describe(error)}`);
    } finally {
      exporter.disabled = false;
      // The rows are billed as the file arrives: the header catches up on the page's next call.
      document.dispatchEvent(new Event("linkindex:billed"));
    }
  });

  return element("section", { class: "list", "aria-labelledby": `${id}-title` },
    element("h2", { id: `${id}-title` }, spec.title),
    element("p", { class: "cost" }, spec.billing),
    form, refusal, wrap, pager);
}
