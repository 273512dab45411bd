// `/accounts/{id}`: an account, who runs it and answers for it, and its whole routing table:
// each top-level issue type → handler(s) → escalation chain, fallbacks flagged.

import { ask } from "./api.js";
import { asOf, h, heading, link, nodeLink, person, personPath, problem, routePath } from "./dom.js";

const ALIASES = 25;
const WHO = "id name title status";
const ACCOUNT = `query A($id: String!, $asOf: String) {
  account(id: $id, asOf: $asOf) {
    id platform handle name operatedBy escalationContact
    owner { id name head { ${WHO} } }
    agency { id name contractOwner { ${WHO} } }
  }
}`;

/** A department or role named `kind:id`, by name: the API lists them a page at a time (the first 500 here). */
async function named(ref) {
  const [kind, id] = ref.split(/:(.*)/s);
  if (kind === "department") {
    const { departments } = await ask(`query D($asOf: String) { departments(limit: 500, asOf: $asOf) { id name head { ${WHO} } } }`, { asOf: asOf() });
    const found = departments.find((d) => d.id === id);
    if (found) return h("span", {}, found.name, found.head ? [" · headed by ", person(found.head)] : null);
  }
  if (kind === "role") {
    const { roles } = await ask(`query R($asOf: String) { roles(limit: 500, asOf: $asOf) { id title holders { ${WHO} } } }`, { asOf: asOf() });
    const found = roles.find((r) => r.id === id);
    if (found) {
      const holders = found.holders.length ? found.holders.map((p, i) => [i ? ", " : "", person(p, { title: false })]) : h("span", { class: "badge left" }, "vacant");
      return h("span", {}, `the ${found.title} role: `, holders);
    }
  }
  if (kind === "person") return nodeLink(ref);
  return h("code", {}, ref);
}

async function operator(account) {
  if (account.agency) {
    const a = account.agency;
    return h("span", {}, h("span", { class: "badge outside" }, "agency"), ` ${a.name}`, a.contractOwner ? [" · contract owner ", person(a.contractOwner)] : null);
  }
  if (!account.operatedBy) return h("span", { class: "muted" }, "nobody named");
  return named(account.operatedBy);
}

function escalationOf(route) {
  return h(
    "ol",
    { class: "inline-path" },
    route.escalation.filter((s) => s.level > 0).map((s) => h("li", {}, link(personPath(s.person.id), s.person.name), s.absent ? h("span", { class: "badge away" }, "absent") : null)),
  );
}

async function routingTable(account) {
  const { responsibilityMatrix: m } = await ask("query M($asOf: String) { responsibilityMatrix(asOf: $asOf) { issueTypes { id name } } }", { asOf: asOf() });
  const aliases = m.issueTypes.map(
    (t, i) => `r${i}: route(account: $account, issueType: ${JSON.stringify(t.id)}, asOf: $asOf) { fallback handlers { id name title status } escalation { level absent person { id name } } explanation }`,
  );
  const data = {};
  for (let start = 0; start < aliases.length; start += ALIASES) { // a document may hold max_aliases (30) aliases
    Object.assign(data, await ask(`query Table($account: String!, $asOf: String) { ${aliases.slice(start, start + ALIASES).join("\n")} }`, { account: account.id, asOf: asOf() }));
  }
  return h(
    "table",
    { class: "routing" },
    h("caption", {}, "Each top-level issue type: who handles it, and the escalation above them"),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Issue type"), h("th", { scope: "col" }, "Handled by"), h("th", { scope: "col" }, "Escalation, up to the top"))),
    h(
      "tbody",
      {},
      m.issueTypes.map((t, i) => {
        const r = data[`r${i}`];
        return h(
          "tr",
          { class: r.fallback ? "fallback-row" : null },
          h("th", { scope: "row" }, link(routePath(account.handle, t.name), t.name), r.fallback ? h("span", { class: "badge fallback" }, "fallback") : null),
          h("td", {}, r.handlers.length ? r.handlers.map((p, j) => [j ? ", " : "", person(p, { title: false })]) : h("span", { class: "muted" }, "nobody")),
          h("td", {}, escalationOf(r)),
        );
      }),
    ),
  );
}

export async function render(main, id) {
  let account;
  try {
    ({ account } = await ask(ACCOUNT, { id, asOf: asOf() }));
  } catch (error) { // an unknown account: the API's line names near handles
    heading("Account", main);
    main.append(problem(error), h("p", {}, link("/", "Search the org")));
    return;
  }
  heading(`${account.handle} · ${account.name}`, main);
  const head = account.owner?.head;
  main.append(
    h(
      "section",
      { class: "card", "aria-label": "About" },
      h(
        "dl",
        { class: "facts" },
        h("dt", {}, "Platform"), h("dd", {}, account.platform),
        h("dt", {}, "Owned by"), h("dd", {}, account.owner ? [account.owner.name, head ? [" · headed by ", person(head)] : null] : h("span", { class: "muted" }, "no department")),
        h("dt", {}, "Run by"), h("dd", {}, await operator(account)),
        h("dt", {}, "Escalation contact"), h("dd", {}, account.escalationContact ? await named(account.escalationContact) : h("span", { class: "badge fallback" }, "none: fallbacks go to the owner")),
      ),
    ),
  );
  const table = h("section", { class: "card wide", "aria-labelledby": "table-heading" }, h("h2", { id: "table-heading" }, "Routing table"));
  main.append(table);
  try {
    table.append(await routingTable(account));
  } catch (error) {
    table.append(problem(error));
  }
}
