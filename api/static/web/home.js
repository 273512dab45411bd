// `/`: search as you type, the way to a route, the top of the org and the audit's headline.

import { ask, personFields } from "./api.js";
import { accountPath, asOf, h, heading, link, person, personPath, problem, routePath, show } from "./dom.js";
import { routeForm } from "./route.js";

const SEARCH = `query Search($text: String!, $asOf: String) {
  search(text: $text, limit: 20, asOf: $asOf) {
    kind id name matched
    node {
      __typename
      ... on Person { title status }
      ... on Account { handle platform }
      ... on Department { head { id name } }
      ... on Role { department { name } holders { id name } }
      ... on Agency { contractOwner { id name } }
    }
  }
}`;

function hitItem(hit) {
  const node = hit.node;
  const kind = h("span", { class: "kind" }, hit.kind);
  const matched = hit.matched && hit.matched !== hit.name ? h("span", { class: "muted" }, ` (${hit.matched})`) : null;
  switch (node.__typename) {
    case "Person":
      return h("li", {}, kind, person({ id: hit.id, name: hit.name, title: node.title, status: node.status }), matched);
    case "Account":
      return h("li", {}, kind, link(accountPath(hit.id), `${node.handle} · ${hit.name}`), ` on ${node.platform}`);
    case "Department":
      return h("li", {}, kind, hit.name, node.head ? [" · headed by ", link(personPath(node.head.id), node.head.name)] : null);
    case "Role":
      return h(
        "li",
        {},
        kind,
        hit.name,
        node.department ? ` in ${node.department.name}` : null,
        " · ",
        node.holders.length
          ? node.holders.map((p, i) => [i ? ", " : "", link(personPath(p.id), p.name)])
          : h("span", { class: "badge left" }, "vacant"),
      );
    case "Agency":
      return h(
        "li",
        {},
        kind,
        hit.name,
        node.contractOwner ? [" · contract owner ", link(personPath(node.contractOwner.id), node.contractOwner.name)] : null,
      );
    default: // an issue type: where to ask who handles it
      return h("li", {}, kind, link(routePath("", hit.name), hit.name), matched);
  }
}

/** Words that ask for the person at the top ("who is the CEO?"): the top is named first, whatever the search finds. */
const BOSS = /\b(ceo|boss|top|in charge|chief executive|president|owner|managing director)\b/i;

function topItem(top) {
  return h("li", { class: "top-hit" }, h("span", { class: "kind" }, "THE TOP"), person(top), " · the person at the top of the org");
}

/** The search box; `top()` is the person at the top once the page has asked (null until then). */
function searchBox(main, top) {
  const results = h("ul", { class: "hits", id: "hits", "aria-live": "polite" });
  const input = h("input", {
    id: "search",
    type: "search",
    autocomplete: "off",
    placeholder: "a name, a title, a department, @handle, refund…",
    "aria-controls": "hits",
  });
  let asked = 0;
  let timer;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const text = input.value.trim();
      const mine = ++asked;
      if (!text) return show(results);
      try {
        const data = await ask(SEARCH, { text, asOf: asOf() });
        if (mine !== asked) return; // a newer search is on its way
        const first = BOSS.test(text) && top() ? [topItem(top())] : [];
        const hits = [...first, ...data.search.map(hitItem)];
        show(results, hits.length ? hits : h("li", { class: "muted" }, "nothing found"));
      } catch (error) {
        if (mine === asked) show(results, h("li", {}, problem(error)));
      }
    }, 150);
  });
  main.append(
    h(
      "section",
      { class: "card", "aria-labelledby": "search-heading" },
      h("h2", { id: "search-heading" }, h("label", { for: "search" }, "Search the org")),
      input,
      results,
    ),
  );
  input.focus();
}

/** Who runs an account for the company when an outside agency does: the agency, and the contract owner inside. */
function agencyLine(agency) {
  const owner = agency.contractOwner ? [" · contract owner ", link(personPath(agency.contractOwner.id), agency.contractOwner.name)] : null;
  return [" ", h("span", { class: "badge outside" }, `run by ${agency.name}, an outside agency`), owner];
}

export async function render(main) {
  heading("Who handles it, and who is above them", main);
  let theTop = null;
  searchBox(main, () => theTop);
  const routeCard = h("section", { class: "card", "aria-labelledby": "route-heading" });
  routeCard.append(h("h2", { id: "route-heading" }, "Who handles an issue on an account?"));
  main.append(routeCard);
  const topCard = h("section", { class: "card", "aria-labelledby": "top-heading" }, h("h2", { id: "top-heading" }, "The top"));
  const auditCard = h("section", { class: "card", "aria-labelledby": "audit-heading" }, h("h2", { id: "audit-heading" }, "Health"));
  const accountsCard = h("section", { class: "card", "aria-labelledby": "accounts-heading" }, h("h2", { id: "accounts-heading" }, "Accounts"));
  main.append(topCard, auditCard, accountsCard);
  const [form, top, health] = await Promise.allSettled([
    routeForm({}),
    ask(`query Home($asOf: String) { top(asOf: $asOf) { ${personFields()} department { name } } accounts(limit: 100, asOf: $asOf) { id handle name platform agency { name contractOwner { id name } } } }`, { asOf: asOf() }),
    ask("query Health($asOf: String) { responsibilityMatrix(asOf: $asOf) { fallbacks accounts { id } } orgHealth(severity: WARNING, asOf: $asOf) { errorCount warningCount } }", { asOf: asOf() }),
  ]);
  routeCard.append(form.status === "fulfilled" ? form.value : problem(form.reason));
  if (top.status === "fulfilled") {
    const t = (theTop = top.value.top);
    topCard.append(t ? h("p", { class: "big" }, person(t), t.department ? ` · ${t.department.name}` : null) : h("p", {}, "The org is empty."));
    accountsCard.append(
      h("ul", { class: "plain" }, top.value.accounts.map((a) =>
        h("li", {}, link(accountPath(a.id), a.handle), ` · ${a.name} (${a.platform})`, a.agency ? agencyLine(a.agency) : null),
      )),
    );
  } else {
    topCard.append(problem(top.reason));
  }
  if (health.status === "fulfilled") {
    const { responsibilityMatrix: m, orgHealth: o } = health.value;
    auditCard.append(
      h(
        "p",
        { class: "headline" },
        link("/matrix", `${m.fallbacks} account × issue type ${m.fallbacks === 1 ? "pair reaches" : "pairs reach"} only a fallback`),
        "; ",
        link("/audit", `${o.errorCount} ${o.errorCount === 1 ? "error" : "errors"} and ${o.warningCount} ${o.warningCount === 1 ? "warning" : "warnings"} in the chain of command`),
        ".",
      ),
    );
  } else {
    auditCard.append(problem(health.reason));
  }
}
