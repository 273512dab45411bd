// `/route?account=…&issueType=…`: who handles it, the escalation path up to the top, and why.
// `/route?account=…&message=…`: the customer's message read for its issue type first (triage), then the same.

import { ask, personFields } from "./api.js";
import { accountPath, asOf, h, heading, href, link, person, problem, routePath } from "./dom.js";

const CHOICES = `query Choices($asOf: String) {
  accounts(limit: 100, asOf: $asOf) { id handle name } issueTypes(limit: 500, asOf: $asOf) { id name synonyms }
}`;

/** The day asked about, as a hidden field, so that submitting a form keeps it. */
function keepDay() {
  return asOf() ? h("input", { type: "hidden", name: "asOf", value: asOf() }) : null;
}

/** The form asking for an account and an issue type; submitting it opens the route page. */
export async function routeForm({ account = "", issueType = "" }, data = null) {
  data ??= await ask(CHOICES, { asOf: asOf() });
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
    keepDay(),
    h("button", { type: "submit" }, "Who handles it?"),
  );
}

/** The triage box: an account and the customer's own words instead of an issue type. */
function triageForm(data, { account = "", message = "" }) {
  return h(
    "form",
    { class: "route-form", method: "get", action: href("/route") },
    h("label", { for: "triage-account" }, "Account"),
    h(
      "select",
      { id: "triage-account", name: "account", required: true },
      h("option", { value: "" }, "choose an account"),
      data.accounts.map((a) => h("option", { value: a.handle, selected: [a.handle, a.id].includes(account) }, `${a.handle} · ${a.name}`)),
    ),
    h("label", { for: "triage-message" }, "The customer's message"),
    h("textarea", { id: "triage-message", name: "message", rows: 3, required: true, placeholder: "I was charged twice… · who is your CEO?" }, message),
    keepDay(),
    h("button", { type: "submit" }, "Read it and route it"),
  );
}

function triageQuery() {
  return `query Triage($account: String!, $message: String!, $asOf: String) {
    triage(account: $account, message: $message, asOf: $asOf) {
      unclassified ambiguous confidence language bossQuestion explanation
      issueType { id name }
      top { ${personFields()} }
      evidence { said means phrase }
      candidates { score issueType { id name } }
      route {
        fallback day explanation
        handlers { ${personFields()} department { name } }
        escalation { level absent person { ${personFields()} } }
        rule { id scope target }
        account { id handle name }
        issueType { id name }
      }
    }
  }`;
}

/** What triage read: the verdict, how sure, the words that decided it, the runner-ups. */
function verdict(t) {
  const percent = `${Math.round(t.confidence * 100)}%`;
  return h(
    "section",
    { class: "card verdict", "aria-labelledby": "verdict-heading" },
    h("h2", { id: "verdict-heading" }, "What the message is about"),
    t.bossQuestion && t.top ? h("p", { class: "big", id: "boss" }, "The person in charge: ", person(t.top)) : null,
    t.unclassified
      ? h("p", { class: "big" }, h("span", { class: "badge fallback" }, "unclassified → fallback"), ` no issue type read surely enough (${percent}); the account's fallback answers.`)
      : h("p", { class: "big" }, "Issue type: ", h("strong", { id: "verdict-type" }, t.issueType.name), h("span", { class: "muted" }, ` · ${percent} sure${t.language ? ` · language ${t.language}` : ""}`)),
    t.ambiguous ? h("p", { class: "note" }, "Ambiguous: ask the customer, or route one of the candidates below.") : null,
    t.evidence.length
      ? [h("h3", {}, "The words that decided it"), h("ul", { class: "plain evidence" }, t.evidence.map((e) => h("li", {}, h("q", {}, e.said), " → ", e.means, e.phrase !== e.said ? h("span", { class: "muted" }, ` (“${e.phrase}”)`) : null)))]
      : h("p", { class: "muted" }, "No word of the message matched a known concept."),
    t.candidates.length > (t.unclassified ? 0 : 1)
      ? [h("h3", {}, t.unclassified ? "Candidates" : "Runner-ups"), h("ul", { class: "plain candidates" }, t.candidates.filter((c) => c.issueType.id !== t.issueType?.id).map((c) => h("li", {}, link(routePath(t.route.account.handle, c.issueType.name), c.issueType.name), h("span", { class: "muted" }, ` · score ${c.score.toFixed(2)}`))))]
      : null,
    h("h3", {}, "Why"),
    h("ul", { class: "why" }, t.explanation.map((line) => h("li", {}, line))),
  );
}

function routeQuery() {
  return `query Route($account: String!, $issueType: String!, $asOf: String) {
    route(account: $account, issueType: $issueType, asOf: $asOf) {
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

/** The answer: who handles it, the path to the top, why; then the same path on the chart. */
async function answer(main, route, title) {
  document.title = `${title} on ${route.account.handle} · buckstop`;
  main.append(
    h(
      "section",
      { class: "card answer", "aria-labelledby": "answer-heading" },
      h("h2", { id: "answer-heading" }, `${title} on `, link(accountPath(route.account.id), route.account.handle)),
      route.fallback ? h("p", { class: "badge fallback" }, "fallback: no rule applies, so the account's escalation contact answers") : null,
      h(
        "p",
        { class: "big" },
        "Handled by ",
        route.handlers.length ? route.handlers.map((p, i) => [i ? ", " : "", person(p)]) : h("span", { class: "muted" }, "nobody"),
      ),
      h("div", { class: "columns" },
        h("div", {}, h("h3", {}, "The path to the top"), path(route)),
        h("div", {}, h("h3", {}, "Why"), h("ul", { class: "why" }, route.explanation.map((line) => h("li", {}, line))),
          route.rule ? h("p", { class: "muted" }, `Rule ${route.rule.id}: ${route.rule.scope} → ${route.rule.target}`) : null,
          h("p", { class: "muted" }, `Absences as of ${route.day}.`)),
      ),
    ),
  );
  // A fallback has no issue type to route again: the chart opens along its first handler's chain.
  const along = route.issueType
    ? new URLSearchParams({ account: route.account.id, issueType: route.issueType.id })
    : new URLSearchParams(route.handlers.length ? { person: route.handlers[0].id } : {});
  const drawn = h(
    "section",
    { class: "card", "aria-labelledby": "drawn-heading" },
    h("h2", { id: "drawn-heading" }, "On the org chart"),
    h("p", {}, link(`/chart?${along}`, "Open the whole org chart")),
  );
  main.append(drawn);
  const { drawChart } = await import("./chart.js");
  await drawChart(drawn, along, { stacked: true });
}

export async function render(main, _, params) {
  const account = params.get("account") ?? "";
  const issueType = params.get("issueType") ?? "";
  const message = params.get("message") ?? "";
  heading("Route", main);
  let choices;
  try {
    choices = await ask(CHOICES, { asOf: asOf() });
  } catch (error) {
    main.append(problem(error));
    return;
  }
  main.append(
    h("div", { class: "forms" },
      h("section", { class: "card", "aria-labelledby": "pick-heading" }, h("h2", { id: "pick-heading" }, "Pick an issue type"), await routeForm({ account, issueType }, choices)),
      h("section", { class: "card", "aria-labelledby": "triage-heading" }, h("h2", { id: "triage-heading" }, "Or paste what the customer wrote"), triageForm(choices, { account, message })),
    ),
  );
  if (account && message) {
    let triage;
    try {
      ({ triage } = await ask(triageQuery(), { account, message, asOf: asOf() }));
    } catch (error) {
      main.append(problem(error));
      return;
    }
    main.append(verdict(triage));
    await answer(main, triage.route, triage.issueType?.name ?? "An unclassified message");
    return;
  }
  if (!account || !issueType) return;
  let route;
  try {
    ({ route } = await ask(routeQuery(), { account, issueType, asOf: asOf() }));
  } catch (error) {
    main.append(problem(error));
    return;
  }
  await answer(main, route, route.issueType.name);
}

export { routePath };
