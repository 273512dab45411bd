// `/cases/{id}`: one case's whole story: where it stands, the chain it climbs, every event; and, with a
// token, the customer's words and, for a token that may move cases (`viewer.scopes` holds `cases`), the actions
// (acknowledge, note, resolve). A token that may not is told so, in one line, instead of shown buttons that fail.

import { ask, privateView } from "./api.js";
import { accountPath, h, heading, link, personPath, problem, show } from "./dom.js";
import { tokenNote } from "./cases.js";

function caseQuery() {
  const words = privateView() ? "customer summary message" : "";
  const note = privateView() ? "note" : "";
  // Who is asking rides along with the case (a token's name and scopes; the public view asks nothing of it).
  const viewer = privateView() ? "viewer { name scopes }" : "";
  return `query Case($id: ID!) {
    ${viewer}
    case(id: $id) {
      id status overdue level respondBy opened explanation orgVersion ${words}
      account { id name } issueType { id name } handlers { id name } chain { id name }
      events { kind at actor level orgVersion ${note} from { id name } to { id name } }
    }
  }`;
}

const ACTIONS = {
  acknowledge: ["Acknowledge", "acknowledgeCase(id: $id, note: $note)"],
  note: ["Add the note", "addCaseNote(id: $id, note: $note)"],
  resolve: ["Resolve", "resolveCase(id: $id, note: $note)"],
};

function people(refs) {
  return refs.length ? refs.map((p, i) => [i ? ", " : "", link(personPath(p.id), p.name)]) : h("span", { class: "muted" }, "nobody");
}

function story(c) {
  return h(
    "ol",
    { class: "events" },
    c.events.map((e) =>
      h(
        "li",
        { class: "event" },
        h("p", {}, h("strong", {}, e.kind.toLowerCase().replace("_", " ")), h("span", { class: "muted" }, ` · ${e.at} · by ${e.actor} · level ${e.level}`)),
        e.from.length || e.to.length
          ? h("p", {}, e.from.length ? [people(e.from), " → "] : null, people(e.to))
          : null,
        e.note ? h("p", { class: "quote" }, e.note) : null,
      ),
    ),
  );
}

/** Why a token sees no actions: it may not move cases. */
function mayNotAct(viewer) {
  return h(
    "p",
    { class: "note", id: "case-no-actions" },
    `Your token (${viewer.name}) may read cases but not act on them: acknowledging, noting and resolving need a token of scope cases.`,
  );
}

/** The actions a token of scope cases may take; the API checks the scope again, and a refusal is shown as its one line. */
function actions(c, main) {
  const note = h("textarea", { id: "case-note", rows: 2, placeholder: "a note (optional, but needed to add one)" });
  const said = h("p", { role: "status" });
  const act = async (name) => {
    const [, field] = ACTIONS[name];
    try {
      await ask(`mutation Act($id: ID!, $note: String!) { ${field} { id status } }`, { id: c.id, note: note.value });
      location.reload();
    } catch (error) {
      show(said, problem(error));
    }
  };
  const open = c.status !== "RESOLVED";
  return h(
    "section",
    { class: "card", "aria-labelledby": "act-heading" },
    h("h2", { id: "act-heading" }, "Act on it"),
    h("label", { for: "case-note" }, "Note"),
    note,
    h(
      "p",
      { class: "tools" },
      open && c.status !== "ACKNOWLEDGED" ? h("button", { type: "button", onclick: () => act("acknowledge") }, ACTIONS.acknowledge[0]) : null,
      h("button", { type: "button", onclick: () => act("note") }, ACTIONS.note[0]),
      open ? h("button", { type: "button", onclick: () => act("resolve") }, ACTIONS.resolve[0]) : null,
    ),
    said,
  );
}

export async function render(main, id) {
  let c;
  let viewer;
  try {
    ({ case: c, viewer } = await ask(caseQuery(), { id }));
  } catch (error) {
    heading("Case", main);
    main.append(problem(error), h("p", {}, link("/cases", "All cases")));
    return;
  }
  heading(`Case #${c.id}${c.issueType ? ` · ${c.issueType.name}` : ""}`, main);
  main.append(
    tokenNote(),
    h(
      "section",
      { class: "card", "aria-label": "About" },
      h(
        "dl",
        { class: "facts" },
        h("dt", {}, "Status"), h("dd", {}, h("span", { class: `badge case-${c.status.toLowerCase()}` }, c.status.toLowerCase()), c.overdue ? h("span", { class: "badge fallback" }, "overdue") : null),
        h("dt", {}, "Account"), h("dd", {}, link(accountPath(c.account.id), c.account.name)),
        h("dt", {}, "Issue type"), h("dd", {}, c.issueType ? c.issueType.name : "unclassified: the account's fallback"),
        h("dt", {}, "Handlers"), h("dd", {}, people(c.handlers), ` · level ${c.level}`),
        h("dt", {}, "Respond by"), h("dd", {}, c.respondBy ?? "—"),
        h("dt", {}, "Opened"), h("dd", {}, `${c.opened} (org version ${c.orgVersion})`),
        c.customer ? [h("dt", {}, "Customer"), h("dd", {}, c.customer)] : null,
        c.message ? [h("dt", {}, "Message"), h("dd", { class: "quote" }, c.message)] : null,
      ),
    ),
    h(
      "section",
      { class: "card", "aria-labelledby": "climb-heading" },
      h("h2", { id: "climb-heading" }, "The chain it climbs"),
      h("ol", { class: "path" }, c.chain.map((p, i) => h("li", { class: i === c.level ? "step handler" : "step" }, h("span", { class: "level" }, i ? `level ${i}` : "handlers"), link(personPath(p.id), p.name), i === c.level ? h("span", { class: "badge away" }, "here now") : null))),
      c.explanation.length ? [h("h3", {}, "Why"), h("ul", { class: "why" }, c.explanation.map((line) => h("li", {}, line)))] : null,
    ),
    h("section", { class: "card", "aria-labelledby": "story-heading" }, h("h2", { id: "story-heading" }, `Its story (${c.events.length} events)`), story(c)),
  );
  if (viewer?.scopes.includes("cases")) main.append(actions(c, main));
  else if (viewer) main.append(mayNotAct(viewer));
}
