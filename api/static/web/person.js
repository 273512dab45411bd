// `/people/{id}`: a person, their chain of command up to the top, their reports, and what they answer for.

import { ask, personFields, privateView } from "./api.js";
import { accountPath, asOf, h, heading, link, person, personPath, problem, routePath, statusMark } from "./dom.js";

function personQuery() {
  return `query Person($id: ID!, $asOf: String) {
    person(id: $id, asOf: $asOf) {
      ${personFields()} reportCount department { id name head { id name } } manager { ${personFields()} }
      absence(asOf: $asOf) { starts ends delegate { id name title status } }
    }
    chainOfCommand(person: $id, asOf: $asOf) { ${personFields()} }
    reports(of: $id, limit: 200, asOf: $asOf) { ${personFields()} reportCount }
  }`;
}

const ANSWERS = `query Answers($asOf: String) {
  responsibilityMatrix(asOf: $asOf) { cells { fallback account { id handle } issueType { id name } handlers { id } } }
  roles(limit: 500, asOf: $asOf) { id title department { name } holders { id } }
}`;

/** Away on the day asked about: since when, until when, and who covers for them. */
function away(p) {
  const a = p.absence;
  if (!a) return null;
  return h("span", { id: "absence" }, `away from ${a.starts} until ${a.ends}; `, a.delegate ? ["covered by ", person(a.delegate)] : h("span", { class: "muted" }, "nobody named to cover"));
}

function facts(p) {
  const rows = [
    ["Title", p.title ?? "—"],
    ["Department", p.department ? [p.department.name, p.department.head?.id === p.id ? " (head)" : ""] : "—"],
    ["Manager", p.manager ? person(p.manager) : "nobody: the top of their line"],
    ["Status", [p.status.toLowerCase(), " ", statusMark(p.status)]],
  ];
  if (p.absence) rows.push(["Absence", away(p)]);
  if (privateView()) {
    rows.push(["E-mail", p.email ?? "—"], ["Phone", p.phone ?? "—"], ["Location", p.location ?? "—"], ["Source", p.source ?? "—"]);
  }
  return h("dl", { class: "facts" }, rows.map(([term, value]) => [h("dt", {}, term), h("dd", {}, value)]));
}

async function answersFor(id, section) {
  try {
    const data = await ask(ANSWERS, { asOf: asOf() });
    const cells = data.responsibilityMatrix.cells.filter((c) => c.handlers.some((p) => p.id === id));
    const roles = data.roles.filter((r) => r.holders.some((p) => p.id === id));
    section.append(
      h("h3", {}, "Roles"),
      roles.length ? h("ul", { class: "plain" }, roles.map((r) => h("li", {}, r.title, r.department ? ` · ${r.department.name}` : ""))) : h("p", { class: "muted" }, "none"),
      h("h3", {}, "Handles"),
      cells.length
        ? h("ul", { class: "plain" }, cells.map((c) =>
            h("li", {}, link(routePath(c.account.handle, c.issueType.name), c.issueType.name), " on ", link(accountPath(c.account.id), c.account.handle), c.fallback ? h("span", { class: "badge fallback" }, "fallback") : null)))
        : h("p", { class: "muted" }, "no top-level issue type on any account"),
    );
  } catch (error) {
    section.append(problem(error));
  }
}

export async function render(main, id) {
  let data;
  try {
    data = await ask(personQuery(), { id, asOf: asOf() });
  } catch (error) {
    heading("Person", main);
    main.append(problem(error));
    return;
  }
  const p = data.person;
  heading(p.name, main);
  const chain = data.chainOfCommand;
  main.append(
    h("section", { class: "card", "aria-label": "About" }, facts(p)),
    h(
      "section",
      { class: "card", "aria-labelledby": "chain-heading" },
      h("h2", { id: "chain-heading" }, "Chain of command"),
      chain.length
        ? h("ol", { class: "path" }, chain.map((q, i) => h("li", { class: "step" }, h("span", { class: "level" }, `level ${i + 1}`), person(q))))
        : h("p", {}, `${p.name} is at the top: nobody is above them.`),
      h("p", {}, link(`/chart?${new URLSearchParams({ person: p.id })}`, "Show on the org chart")),
    ),
    h(
      "section",
      { class: "card", "aria-labelledby": "reports-heading" },
      h("h2", { id: "reports-heading" }, `Direct reports (${p.reportCount})`),
      data.reports.length
        ? h("ul", { class: "plain" }, data.reports.map((q) => h("li", {}, person(q), q.reportCount ? h("span", { class: "muted" }, ` · ${q.reportCount} reports`) : null)))
        : h("p", { class: "muted" }, "none"),
      p.reportCount > data.reports.length ? h("p", { class: "muted" }, `the first ${data.reports.length} shown`) : null,
    ),
  );
  const answers = h("section", { class: "card", "aria-labelledby": "answers-heading" }, h("h2", { id: "answers-heading" }, "What they answer for"));
  main.append(answers);
  await answersFor(p.id, answers);
}

export { personPath };
