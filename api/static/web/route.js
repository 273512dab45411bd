// `/route?account=…&issueType=…`: who handles it, the escalation path up to the top, and why.

import { ask, personFields } from "./api.js";
import { accountPath, h, heading, href, link, person, problem, routePath } from "./dom.js";

const CHOICES = "{ accounts(limit: 100) { id handle name } issueTypes(limit: 500) { id name synonyms } }";

/** The form asking for an account and an issue type; submitting it opens the route page. */
export async function routeForm({ account = "", issueType = "" }) {
  const data = await ask(CHOICES);
  const accounts = h(
    "select",
    { id: "route-account", name: "account", required: true },
    h("option", { value: "" }, "choose an account"),
    data.accounts.map((a) =>
      h("option", { value: a.handle, selected: [a.handle, a.id].includes(account) }, `${a.handle} · ${a.name}`),
    ),
  );
  const names = h(
    "datalist",
    { id: "issue-types" },
    data.issueTypes.flatMap((t) => [t.name, ...t.synonyms]).map((name) => h("option", { value: name })),
  );
  const issue = h("input", {
    id: "route-issue",
    name: "issueType",
    list: "issue-types",
    value: issueType,
    required: true,
    autocomplete: "off",
    placeholder: "refund, sales enquiry, press…",
  });
  return h(
    "form",
    { class: "route-form", method: "get", action: href("/route") },
    h("label", { for: "route-account" }, "Account"),
    accounts,
    h("label", { for: "route-issue" }, "Issue type"),
    issue,
    names,
    h("button", { type: "submit" }, "Who handles it?"),
  );
}

function routeQuery() {
  return `query Route($account: String!, $issueType: String!) {
    route(account: $account, issueType: $issueType) {
      fallback day explanation
      handlers { ${personFields()} department { name } }
      escalation { level absent person { ${personFields()} } }
      rule { id scope target }
      account { id handle name }
      issueType { id name }
    }
  }`;
}

function path(route) {
  return h(
    "ol",
    { class: "path", "aria-label": "The escalation path, from the handler up to the top" },
    route.escalation.map((step) =>
      h(
        "li",
        { class: step.level === 0 ? "step handler" : "step" },
        h("span", { class: "level" }, step.level === 0 ? "handles it" : `level ${step.level}`),
        person(step.person),
        step.absent ? h("span", { class: "badge away" }, "absent: stepped over") : null,
      ),
    ),
  );
}

export async function render(main, _, params) {
  const account = params.get("account") ?? "";
  const issueType = params.get("issueType") ?? "";
  heading("Route", main);
  main.append(h("section", { class: "card" }, await routeForm({ account, issueType })));
  if (!account || !issueType) return;
  let route;
  try {
    ({ route } = await ask(routeQuery(), { account, issueType }));
  } catch (error) {
    main.append(problem(error));
    return;
  }
  document.title = `${route.issueType.name} on ${route.account.handle} · buckstop`;
  main.append(
    h(
      "section",
      { class: "card answer", "aria-labelledby": "answer-heading" },
      h(
        "h2",
        { id: "answer-heading" },
        `${route.issueType.name} on `,
        link(accountPath(route.account.id), route.account.handle),
      ),
      route.fallback ? h("p", { class: "badge fallback" }, "fallback: no rule applies, so the account's escalation contact answers") : null,
      h(
        "p",
        { class: "big" },
        "Handled by ",
        route.handlers.length ? route.handlers.map((p, i) => [i ? ", " : "", person(p)]) : h("span", { class: "muted" }, "nobody"),
      ),
      h("div", { class: "columns" },
        h("div", {}, h("h3", {}, "The path to the top"), path(route),
          h("p", {}, link(`/chart?${new URLSearchParams({ account: route.account.id, issueType: route.issueType.id })}`, "Open the whole org chart"))),
        h("div", {}, h("h3", {}, "Why"), h("ul", { class: "why" }, route.explanation.map((line) => h("li", {}, line))),
          route.rule ? h("p", { class: "muted" }, `Rule ${route.rule.id}: ${route.rule.scope} → ${route.rule.target}`) : null,
          h("p", { class: "muted" }, `Absences as of ${route.day}.`)),
      ),
    ),
  );
  const drawn = h("section", { class: "card", "aria-labelledby": "drawn-heading" }, h("h2", { id: "drawn-heading" }, "On the org chart"));
  main.append(drawn);
  const { drawChart } = await import("./chart.js");
  await drawChart(drawn, new URLSearchParams({ account: route.account.id, issueType: route.issueType.id }), { stacked: true });
}

export { routePath };
