// `/chart`: the org chart, a level at a time. The top and their reports open first; each person's reports are
// asked for (GraphQL `reports`, a page of PAGE) when they are opened, so a 100,000-person org opens as fast as
// a small one. `?person=ID` opens the chart along that person's chain of command, `?account=…&issueType=…`
// along the route's path to the top, drawn highlighted. Drawn by Apache ECharts (docs/decisions.md).

import { ask } from "./api.js";
import { asOf, download, h, heading, link, personPath, problem, routePath, show } from "./dom.js";

const PAGE = 100;
const FIELDS = "id name title status reportCount";
const COLORS = { ACTIVE: "#1f5fa8", ABSENT: "#9a5b00", LEFT: "#5f6b7a", path: "#b3261e", line: "#8a94a3" };
const ECHARTS = document.querySelector('meta[name="buckstop-echarts"]').content;

/** The people loaded so far, by id, each with the ids of the reports loaded (null: not asked yet). */
class People {
  constructor() {
    this.byId = new Map();
  }

  add(p, parent) {
    const known = this.byId.get(p.id);
    if (known) return known;
    const node = { ...p, parent, children: null, open: false };
    this.byId.set(p.id, node);
    return node;
  }

  async load(node) {
    const offset = node.children?.length ?? 0;
    const { reports } = await ask(
      `query R($of: ID!, $offset: Int!, $asOf: String) { reports(of: $of, offset: $offset, limit: ${PAGE}, asOf: $asOf) { ${FIELDS} } }`,
      { of: node.id, offset, asOf: asOf() },
    );
    node.children = [...(node.children ?? []), ...reports.map((p) => this.add(p, node.id).id)];
  }
}

function label(node) {
  const mark = node.status === "ABSENT" ? " (away)" : node.status === "LEFT" ? " (left)" : "";
  const more = !node.open && node.reportCount ? `  ▸ ${node.reportCount}` : "";
  return `${node.name}${mark}${more}\n${node.title ?? ""}`;
}

function item(people, node, path) {
  const onPath = path.has(node.id);
  const color = onPath ? COLORS.path : COLORS[node.status] ?? COLORS.ACTIVE;
  const data = {
    name: label(node),
    pid: node.id,
    collapsed: !node.open,
    itemStyle: { color: node.reportCount ? color : "#fff", borderColor: color, borderWidth: onPath ? 3 : 1.5 },
    label: { color: onPath ? COLORS.path : "#1a202c", fontWeight: onPath ? "bold" : "normal" },
    lineStyle: onPath ? { color: COLORS.path, width: 3 } : { color: COLORS.line, width: 1.2 },
  };
  if (node.reportCount) {
    const kids = node.open && node.children ? node.children.map((id) => item(people, people.byId.get(id), path)) : [];
    const rest = node.reportCount - (node.children?.length ?? 0);
    if (node.open && rest > 0) kids.push({ name: `… ${rest} more`, more: node.id, itemStyle: { color: "#fff", borderColor: COLORS.line } });
    data.children = kids;
  }
  return data;
}

function visibleLeaves(people, node) {
  if (!node.open || !node.children?.length) return 1;
  return node.children.reduce((sum, id) => sum + visibleLeaves(people, people.byId.get(id)), 0) + (node.reportCount > node.children.length ? 1 : 0);
}

function depth(people, node) {
  if (!node.open || !node.children?.length) return 1;
  return 1 + Math.max(...node.children.map((id) => depth(people, people.byId.get(id))));
}

function option(people, root, path, animate) {
  return {
    animation: animate,
    aria: { enabled: true, label: { description: `The org chart from ${root.name} down; the panel beside it reads the same by keyboard.` } },
    series: [
      {
        type: "tree",
        data: [item(people, root, path)],
        orient: "LR",
        top: 24,
        bottom: 24,
        left: 24,
        right: 260,
        symbol: "circle",
        symbolSize: 11,
        edgeShape: "curve",
        expandAndCollapse: false, // opening a node may need its reports first: the page does it
        initialTreeDepth: -1,
        label: {
          position: "right",
          verticalAlign: "middle",
          align: "left",
          fontSize: 13,
          lineHeight: 16,
          distance: 8,
          backgroundColor: "rgba(255,255,255,0.9)",
          padding: [2, 4],
        },
        leaves: { label: { position: "right", align: "left" } },
        emphasis: { focus: "none" },
        roam: false,
      },
    ],
  };
}

/** The ids from the top down to each of `people` (their chains of command), to open and highlight. */
async function pathsTo(ids) {
  if (!ids.length) return [];
  const fields = ids.map((id, i) => `c${i}: chainOfCommand(person: ${JSON.stringify(id)}, asOf: $asOf) { ${FIELDS} } p${i}: person(id: ${JSON.stringify(id)}, asOf: $asOf) { ${FIELDS} }`);
  const data = await ask(`query Paths($asOf: String) { ${fields.join("\n")} }`, { asOf: asOf() });
  return ids.map((_, i) => [...data[`c${i}`]].reverse().concat([data[`p${i}`]]));
}

async function highlighted(params) {
  if (params.get("person")) return { ids: [params.get("person")], note: null };
  if (params.get("account") && params.get("issueType")) {
    const { route } = await ask(
      "query R($a: String!, $i: String!, $asOf: String) { route(account: $a, issueType: $i, asOf: $asOf) { fallback account { id handle } issueType { name } handlers { id } } }",
      { a: params.get("account"), i: params.get("issueType"), asOf: asOf() },
    );
    const note = h("p", { class: "note" }, "Highlighted: the path of ", link(routePath(route.account.handle, route.issueType.name), `${route.issueType.name} on ${route.account.handle}`), route.fallback ? " (a fallback)" : "", ".");
    return { ids: route.handlers.map((p) => p.id), note };
  }
  return { ids: [], note: null };
}

export async function render(main, _, params) {
  main.classList.add("wide");
  heading("Org chart", main);
  await drawChart(main, params);
}

/** The chart, its tools and its panel, at the end of `main`; opened along the path `params` name, if any. */
export async function drawChart(main, params, { stacked = false } = {}) {
  const started = performance.now();
  const status = h("p", { class: "muted", id: "chart-status", role: "status" }, "Opening the top of the org…");
  const canvas = h("div", { id: "chart", class: "chart" });
  const panel = h("aside", { id: "chart-panel", class: "card panel", "aria-label": "The selected person" });
  const tools = h(
    "div",
    { class: "tools" },
    h("button", { type: "button", id: "export-svg" }, "Export SVG"),
    h("button", { type: "button", id: "export-png" }, "Export PNG"),
    h("span", { class: "legend" }, h("span", { class: "key active" }, "has reports"), h("span", { class: "key away" }, "away"), h("span", { class: "key left" }, "left"), h("span", { class: "key path" }, "highlighted path")),
  );
  main.append(status, tools, h("div", { class: stacked ? "chart-layout stacked" : "chart-layout" }, h("div", { class: "chart-scroll" }, canvas), panel));

  const [echarts, first, marked] = await Promise.all([import(ECHARTS), ask(`query Top($asOf: String) { top(asOf: $asOf) { ${FIELDS} } }`, { asOf: asOf() }), highlighted(params)]);
  if (!first.top) {
    show(status, "The org is empty.");
    return;
  }
  const people = new People();
  const root = people.add(first.top, null);
  const path = new Set();
  for (const chain of await pathsTo(marked.ids)) {
    for (const [i, p] of chain.entries()) {
      path.add(p.id);
      const node = people.add(p, i ? chain[i - 1].id : null);
      if (i + 1 < chain.length) {
        if (node.children === null) await people.load(node);
        if (!node.children.includes(chain[i + 1].id)) node.children.push(people.add(chain[i + 1], p.id).id); // beyond the first page
        node.open = true;
      }
    }
  }
  if (root.children === null) await people.load(root);
  root.open = true;
  if (marked.note) status.after(marked.note);

  const chart = echarts.init(canvas, null, { renderer: "canvas" });
  let selected = path.size ? [...path].at(-1) : root.id;

  const draw = (animate = true) => {
    const height = Math.max(420, visibleLeaves(people, root) * 34 + 48);
    const width = Math.max(canvas.parentElement.clientWidth, (depth(people, root) - 1) * 190 + 300);
    chart.resize({ width, height });
    chart.setOption(option(people, root, path, animate), { replaceMerge: ["series"] });
    drawPanel();
  };

  const toggle = async (node) => {
    if (!node.reportCount) return;
    if (!node.open && node.children === null) {
      show(status, `Opening the reports of ${node.name}…`);
      await people.load(node);
    }
    node.open = !node.open;
    show(status, `${node.name}: ${node.open ? "reports shown" : "reports hidden"}.`);
    draw();
  };

  const select = (id) => {
    selected = id;
    drawPanel();
  };

  function drawPanel() {
    const node = people.byId.get(selected) ?? root;
    const parent = node.parent ? people.byId.get(node.parent) : null;
    show(
      panel,
      h("h2", {}, link(personPath(node.id), node.name)),
      h("p", {}, node.title ?? "", node.status !== "ACTIVE" ? h("span", { class: `badge ${node.status === "LEFT" ? "left" : "away"}` }, node.status === "LEFT" ? "left" : "away") : null),
      h("p", { class: "muted" }, `${node.reportCount} direct ${node.reportCount === 1 ? "report" : "reports"}`),
      node.reportCount ? h("button", { type: "button", id: "panel-toggle", onclick: () => toggle(node) }, node.open ? "Hide their reports" : "Show their reports") : null,
      parent ? h("button", { type: "button", onclick: () => select(parent.id) }, `Up to ${parent.name}`) : null,
      node.open && node.children?.length
        ? h("ul", { class: "plain panel-list", "aria-label": `Reports of ${node.name}` }, node.children.map((id) => {
            const child = people.byId.get(id);
            return h("li", {}, h("button", { type: "button", class: path.has(id) ? "linkish on-path" : "linkish", onclick: () => select(id) }, child.name), child.reportCount ? h("span", { class: "muted" }, ` · ${child.reportCount}`) : null);
          }))
        : null,
    );
  }

  chart.on("click", async (event) => {
    const data = event.data ?? {};
    try {
      if (data.more) {
        const node = people.byId.get(data.more);
        await people.load(node);
        draw();
        return;
      }
      const node = people.byId.get(data.pid);
      if (!node) return;
      select(node.id);
      await toggle(node);
    } catch (error) {
      show(status, problem(error));
    }
  });

  const exportAs = (type) => {
    let url;
    let holder;
    if (type === "svg") {
      holder = h("div", { class: "offscreen" });
      document.body.append(holder);
      const copy = echarts.init(holder, null, { renderer: "svg", width: chart.getWidth(), height: chart.getHeight() });
      copy.setOption(option(people, root, path, false));
      url = copy.getDataURL({ type: "svg" });
      copy.dispose();
      holder.remove();
    } else {
      url = chart.getDataURL({ type: "png", pixelRatio: 2, backgroundColor: "#ffffff" });
    }
    download(`org-chart.${type}`, url);
  };
  tools.querySelector("#export-svg").addEventListener("click", () => exportAs("svg"));
  tools.querySelector("#export-png").addEventListener("click", () => exportAs("png"));

  draw(false);
  const ms = Math.round(performance.now() - started);
  canvas.dataset.readyMs = String(Math.round(performance.now()));
  canvas.dataset.levels = String(depth(people, root));
  canvas.dataset.people = String(people.byId.size);
  show(status, `${people.byId.size} people shown, ${depth(people, root)} levels, in ${ms} ms. Click a person (or use the panel) to open or close their reports.`);
  window.addEventListener("resize", () => draw(false));
}
