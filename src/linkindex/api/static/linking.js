// The linking root domains table (POST /v2/linking_root_domains), on list_table.js, with every
// sort, filter and date of the API and its rules between them (api/params.py).
import { element, number, spam } from "./dom.js";
import { listTable } from "./list_table.js";

// The API's pairs: a date sort needs exactly its 60-day filter, and that filter its sort.
const DATE_SORTS = {
  date_gained: "external+gained_last_60_days",
  date_lost: "external+lost_last_60_days",
};
const DEFAULT_SORT = "source_domain_authority";

const RULES =
  "Date gained and date lost list only the root domains gained, or lost, in the 60 days " +
  "before the index date (in the header), newest first: the API pairs each date sort with its " +
  "60-day filter, so choosing one chooses the other. From and To narrow a date sort to those " +
  "days and apply to the date sorts only. The other filters go with the other sorts.";

// The date sorts' From / To (begin_date, end_date), and the pairing of sort and filter.
function dates(id, { sort, filter }) {
  const dateField = (name, label) => {
    const input = element("input", { id: `${id}-${name}`, type: "date" });
    return [element("div", { class: "field" }, element("label", { for: `${id}-${name}` }, label), input), input];
  };
  const [beginField, begin] = dateField("begin", "From");
  const [endField, end] = dateField("end", "To");
  const note = element("p", { id: `${id}-rules`, class: "cost rules", "aria-live": "polite" }, RULES);
  const dated = () => sort.value in DATE_SORTS;
  const sync = (said) => {
    begin.disabled = end.disabled = !dated();
    note.textContent = said ? `${said} ${RULES}` : RULES;
  };
  sort.addEventListener("change", () => {
    if (dated()) {
      filter.value = DATE_SORTS[sort.value];
      sync(`Filter set to “${filter.selectedOptions[0].text}”, which the API requires with this sort.`);
    } else if (Object.values(DATE_SORTS).includes(filter.value)) {
      filter.value = "external";
      sync("Filter set to “all”: the 60-day filters go with the date sorts only.");
    } else sync("");
  });
  filter.addEventListener("change", () => {
    const paired = Object.keys(DATE_SORTS).find((s) => DATE_SORTS[s] === filter.value);
    if (paired) {
      sort.value = paired;
      sync(`Sort set to “${sort.selectedOptions[0].text}”, which the API requires with this filter.`);
    } else if (dated()) {
      sort.value = DEFAULT_SORT;
      sync("Sort set to Domain Authority: the date sorts need their 60-day filter.");
    } else sync("");
  });
  sync("");
  return {
    fields: [beginField, endField, note],
    params: () => (dated() ? {
      ...(begin.value ? { begin_date: begin.value } : {}),
      ...(end.value ? { end_date: end.value } : {}),
    } : {}),
  };
}

const has = (term) => (request) => (request.filter || "").split("+").includes(term);

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
    date_gained: "date gained (last 60 days)",
    date_lost: "date lost (last 60 days)",
  },
  filters: {
    external: "all",
    "external+follow": "with a followed link",
    "external+nofollow": "linking only with nofollow",
    "external+not_deleted": "linking now",
    "external+deleted": "lost (linked before)",
    "external+gained_last_60_days": "gained in the 60 days before the index date",
    "external+lost_last_60_days": "lost in the 60 days before the index date",
  },
  more: dates,
  columns: [
    ["Root domain", (r) => r.root_domain],
    ["DA", (r) => String(r.domain_authority)],
    ["Spam Score", (r) => spam(r.spam_score)],
    ["Link Propensity", (r) => r.link_propensity.toFixed(2)],
    ["Linking pages", (r) => number(r.to_target.pages)],
    ["Nofollow pages", (r) => number(r.to_target.nofollow_pages)],
    // The API gives these dates only with their 60-day filter.
    ["Gained", (r) => r.date_gained, has("gained_last_60_days")],
    ["Lost", (r) => r.date_lost, has("lost_last_60_days")],
  ],
};

export function linkingRootDomains(target, scope, onError, say) {
  return listTable(LINKING_ROOT_DOMAINS, target, scope, onError, say);
}
