// `/matrix`: who handles each top-level issue type on each account, fallbacks flagged, with a CSV download.

import { ask } from "./api.js";
import { accountPath, asOf, download, h, heading, link, personPath, problem, routePath } from "./dom.js";

const MATRIX = `query Matrix($asOf: String) { responsibilityMatrix(asOf: $asOf) { day fallbacks
  accounts { id handle name } issueTypes { id name }
  cells { account { id } issueType { id } fallback handlers { id name } rule { id } } } }`;

function csvField(value) {
  const text = String(value ?? "");
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function csv(m) {
  const accounts = new Map(m.accounts.map((a) => [a.id, a]));
  const types = new Map(m.issueTypes.map((t) => [t.id, t]));
  const rows = [["account", "handle", "issue_type", "handlers", "fallback", "rule"]];
  for (const c of m.cells) {
    rows.push([c.account.id, accounts.get(c.account.id)?.handle, types.get(c.issueType.id)?.name, c.handlers.map((p) => p.name).join("; "), c.fallback ? "yes" : "no", c.rule?.id ?? ""]);
  }
  return rows.map((row) => row.map(csvField).join(",")).join("\r\n") + "\r\n";
}

export async function render(main) {
  heading("Responsibility matrix", main);
  let m;
  try {
    ({ responsibilityMatrix: m } = await ask(MATRIX, { asOf: asOf() }));
  } catch (error) {
    main.append(problem(error));
    return;
  }
  const cells = new Map(m.cells.map((c) => [`${c.account.id}\u0000${c.issueType.id}`, c]));
  main.append(
    h(
      "p",
      { class: "headline" },
      `${m.fallbacks} of ${m.cells.length} cells reach only a fallback (absences as of ${m.day}). `,
      h("button", { type: "button", id: "csv", onclick: () => download("responsibility-matrix.csv", new Blob([csv(m)], { type: "text/csv" })) }, "Download CSV"),
    ),
    h(
      "div",
      { class: "scroll", tabindex: "0", role: "region", "aria-label": "The matrix, scrollable" },
      h(
        "table",
        { class: "matrix" },
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Account"), m.issueTypes.map((t) => h("th", { scope: "col" }, t.name)))),
        h(
          "tbody",
          {},
          m.accounts.map((a) =>
            h(
              "tr",
              {},
              h("th", { scope: "row" }, link(accountPath(a.id), a.handle)),
              m.issueTypes.map((t) => {
                const c = cells.get(`${a.id}\u0000${t.id}`);
                if (!c) return h("td", {}, "—");
                return h(
                  "td",
                  { class: c.fallback ? "fallback-cell" : null },
                  c.handlers.map((p, i) => [i ? ", " : "", link(personPath(p.id), p.name)]),
                  c.fallback ? [" ", link(routePath(a.handle, t.name), h("span", { class: "badge fallback" }, "fallback"))] : null,
                );
              }),
            ),
          ),
        ),
      ),
    ),
  );
}
