// `/audit`: where the chain of command is broken, worst first, each finding linking to its nodes.

import { ask, privateView } from "./api.js";
import { asOf, h, heading, nodeLink, problem } from "./dom.js";

export async function render(main) {
  heading("Audit", main);
  const where = privateView() ? "where" : "";
  let health;
  try {
    ({ orgHealth: health } = await ask(`query Health($asOf: String) { orgHealth(asOf: $asOf) { day errorCount warningCount infoCount findings { kind severity nodes message why fix ${where} } } }`, { asOf: asOf() }));
  } catch (error) {
    main.append(problem(error));
    return;
  }
  main.append(
    h("p", { class: "headline" }, `${health.errorCount} errors, ${health.warningCount} warnings, ${health.infoCount} notes, as of ${health.day}.`),
    health.findings.length
      ? h(
          "ol",
          { class: "findings" },
          health.findings.map((f) =>
            h(
              "li",
              { class: `finding ${f.severity.toLowerCase()}` },
              h("p", {}, h("span", { class: `badge ${f.severity.toLowerCase()}` }, f.severity.toLowerCase()), " ", h("strong", {}, f.message)),
              h("p", { class: "muted" }, `${f.kind}: ${f.why}`),
              h("p", {}, "Fix: ", f.fix),
              h("p", { class: "nodes" }, f.nodes.map((n, i) => [i ? " " : "", nodeLink(n)])),
              f.where?.length ? h("p", { class: "muted" }, "In the bundle: ", f.where.join(", ")) : null,
            ),
          ),
        )
      : h("p", {}, "Nothing to fix."),
  );
}
