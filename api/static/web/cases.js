// `/cases`: the customers' cases, newest first (status, overdue, account), each linking to its story.
// Without a token the list shows no customer's words; acting on a case needs a token of scope `cases`.

import { ask, privateView } from "./api.js";
import { accountPath, h, heading, href, link, personPath, problem } from "./dom.js";

const STATUSES = ["", "OPEN", "ACKNOWLEDGED", "RESOLVED"];

function casesQuery() {
  const words = privateView() ? "summary customer" : "";
  return `query Cases($status: CaseStatus, $overdue: Boolean!, $account: String) {
    cases(status: $status, overdue: $overdue, account: $account, first: 100) {
      id status overdue level respondBy opened ${words}
      account { id name } issueType { id name } handlers { id name }
    }
  }`;
}

/** What a user needs to see more, said once at the top rather than as a failure. */
export function tokenNote() {
  return privateView()
    ? h("p", { class: "muted" }, "With your token: the customers' words. Acting on a case needs a token of scope cases.")
    : h("p", { class: "note", id: "cases-token" }, "The public view: no customer's words. Paste a token (scope read) above to see them, or of scope cases to act on a case.");
}

function filters(params) {
  return h(
    "form",
    { class: "filters", method: "get", action: href("/cases") },
    h("label", { for: "cases-status" }, "Status"),
    h("select", { id: "cases-status", name: "status" }, STATUSES.map((s) => h("option", { value: s, selected: s === (params.get("status") ?? "") }, s ? s.toLowerCase() : "any"))),
    h("label", { for: "cases-account" }, "Account"),
    h("input", { id: "cases-account", name: "account", value: params.get("account") ?? "", placeholder: "@handle or id" }),
    h("label", { class: "check" }, h("input", { type: "checkbox", name: "overdue", value: "true", checked: params.get("overdue") === "true" }), " overdue only"),
    h("button", { type: "submit" }, "Show"),
  );
}

function row(c) {
  return h(
    "tr",
    { class: c.overdue ? "overdue-row" : null },
    h("th", { scope: "row" }, link(`/cases/${encodeURIComponent(c.id)}`, `#${c.id}`)),
    h("td", {}, h("span", { class: `badge case-${c.status.toLowerCase()}` }, c.status.toLowerCase()), c.overdue ? h("span", { class: "badge fallback" }, "overdue") : null),
    h("td", {}, link(accountPath(c.account.id), c.account.name)),
    h("td", {}, c.issueType ? c.issueType.name : h("span", { class: "muted" }, "unclassified"), c.summary ? h("div", { class: "muted" }, c.summary) : null),
    h("td", {}, c.handlers.map((p, i) => [i ? ", " : "", link(personPath(p.id), p.name)]), c.level ? h("span", { class: "muted" }, ` · level ${c.level}`) : null),
    h("td", {}, c.respondBy ?? "—"),
  );
}

export async function render(main, _, params) {
  heading("Cases", main);
  main.append(tokenNote(), h("section", { class: "card" }, filters(params)));
  let cases;
  try {
    ({ cases } = await ask(casesQuery(), {
      status: params.get("status") || null,
      overdue: params.get("overdue") === "true",
      account: params.get("account") || null,
    }));
  } catch (error) {
    main.append(problem(error));
    return;
  }
  if (!cases.length) {
    main.append(h("p", { class: "muted" }, "No case here."));
    return;
  }
  main.append(
    h(
      "div",
      { class: "scroll card", tabindex: "0", role: "region", "aria-label": "The cases, scrollable" },
      h(
        "table",
        { class: "cases" },
        h("caption", {}, `${cases.length} ${cases.length === 1 ? "case" : "cases"}, newest first`),
        h("thead", {}, h("tr", {}, ["Case", "Status", "Account", "About", "Handlers", "Respond by"].map((t) => h("th", { scope: "col" }, t)))),
        h("tbody", {}, cases.map(row)),
      ),
    ),
  );
}
