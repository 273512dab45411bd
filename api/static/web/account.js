// `/accounts/{id}`: an account, who runs it and answers for it, and its whole routing table:
// each top-level issue type → handler(s) → escalation chain, fallbacks flagged.

import { ask } from "./api.js";
import { h, heading, link, nodeLink, person, personPath, problem, routePath } from "./dom.js";

const ALIASES = 25;
const ACCOUNT = "id platform handle name operatedBy escalationContact owner { id name head { id name title status } }";

async function findAccount(id) {
  for (let offset = 0; ; offset += 100) {
    const { accounts } = await ask(`query A($offset: Int!) { accounts(offset: $offset, limit: 100) { ${ACCOUNT} } }`, { offset });
    const found = accounts.find((a) => a.id === id || a.handle === id);
    if (found || accounts.length < 100) return found ?? null;
  }
}

/** An agency by id, through search: the API has no question for one agency. */
async function agency(id) {
  const { search } = await ask(
    `query G($text: String!) { search(text: $text, limit: 20) { kind id node { ... on Agency { name contractOwner { id name title status } } } } }`,
    { text: id },
  );
  return search.find((hit) => hit.kind === "agency" && hit.id === id)?.node ?? null;
}

/** A department or role named `kind:id`, by name: the API lists them a page at a time (the first 500 here). */
async function named(ref) {
  const [kind, id] = ref.split(/:(.*)/s);
  if (kind === "department") {
    const { departments } = await ask("{ departments(limit: 500) { id name head { id name title status } } }");
    const found = departments.find((d) => d.id === id);
    if (found) return h("span", {}, found.name, found.head ? [" · headed by ", person(found.head)] : null);
  }
  if (kind === "role") {
    const { roles } = await ask("{ roles(limit: 500) { id title holders { id name title status } } }");
    const found = roles.find((r) => r.id === id);
    if (found) {
      const holders = found.holders.length ? found.holders.map((p, i) => [i ? ", " : "", person(p, { title: false })]) : h("span", { class: "badge left" }, "vacant");
      return h("span", {}, `the ${found.title} role: `, holders);
    }
  }
  if (kind === "person") return nodeLink(ref);
  return h("code", {}, ref);
}

async function operator(ref) {
  if (!ref) return h("span", { class: "muted" }, "nobody named");
  const [kind, id] = ref.split(/:(.*)/s);
  if (kind !== "agency") return named(ref);
  const found = await agency(id);
  if (!found) return nodeLink(ref);
  return h("span", {}, h("span", { class: "badge outside" }, "agency"), ` ${found.name}`, found.contractOwner ? [" · contract owner ", person(found.contractOwner)] : null);
}

function escalationOf(route) {
  return h(
    "ol",
    { class: "inline-path" },
    route.escalation.filter((s) => s.level > 0).map((s) => h("li", {}, link(personPath(s.person.id), s.person.name), s.absent ? h("span", { class: "badge away" }, "absent") : null)),
  );
}

async function routingTable(account) {
  const { responsibilityMatrix: m } = await ask("{ responsibilityMatrix { issueTypes { id name } } }");
  const aliases = m.issueTypes.map(
    (t, i) => `r${i}: route(account: $account, issueType: ${JSON.stringify(t.id)}) { fallback handlers { id name title status } escalation { level absent person { id name } } explanation }`,
  );
  const data = {};
  for (let start = 0; start < aliases.length; start += ALIASES) { // a document may hold max_aliases (30) aliases
    Object.assign(data, await ask(`query Table($account: String!) { ${aliases.slice(start, start + ALIASES).join("\n")} }`, { account: account.id }));
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
    account = await findAccount(id);
  } catch (error) {
    heading("Account", main);
    main.append(problem(error));
    return;
  }
  if (!account) {
    heading("Account", main);
    main.append(problem(`unknown account '${id}'`), h("p", {}, link("/", "Search the org")));
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
        h("dt", {}, "Run by"), h("dd", {}, await operator(account.operatedBy)),
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
