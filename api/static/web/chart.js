// `/chart`: the org chart, a level at a time. The top and their reports open first; each person's reports are
// asked for (GraphQL `reports`, a page of PAGE) when they are opened, so a 100,000-person org opens as fast as
// a small one. `?person=ID` opens the chart along that person's chain of command, `?account=…&issueType=…`
// along the route's path to the top, drawn highlighted. Drawn by Apache ECharts (docs/decisions.md).

import { ask } from "./api.js";
import { asOf, download, h, heading, link, personPath, problem, routePath, show } from "./dom.js";

const PAGE = 100;
/** The panel's width beside the chart, with the gap (style.css .chart-layout). */
const PANEL = 296;
const FIELDS = "id name title status reportCount";
/** Departments (their heads head a box), vacant roles, and the agencies with the accounts they run: drawn around the people. */
const AROUND = `query Around($asOf: String) {
  departments(limit: 500, asOf: $asOf) { id name head { id } }
  roles(limit: 500, asOf: $asOf) { id title department { id name head { id } } holders { id } }
  accounts(limit: 100, asOf: $asOf) { id handle agency { id name contractOwner { id } } }
}`;
const COLORS = { ACTIVE: "#1f5fa8", ABSENT: "#9a5b00", LEFT: "#5f6b7a", path: "#b3261e", line: "#8a94a3", dept: "#e6eef8", agency: "#5b2a86" };

/** What is drawn around the people, by the id of the person it hangs from; empty until `around` has answered. */
class Around {
  constructor() {
    this.heads = new Map(); // person id -> department names they head
    this.vacant = new Map(); // head's id -> vacant role titles of their department
    this.agencies = new Map(); // contract owner's id -> [{ name, accounts: [handle] }]
  }

  static async load() {
    const around = new Around();
    const data = await ask(AROUND, { asOf: asOf() });
    for (const d of data.departments) if (d.head) around.heads.set(d.head.id, [...(around.heads.get(d.head.id) ?? []), d.name]);
    for (const r of data.roles) {
      const head = r.department?.head?.id;
      if (!r.holders.length && head) around.vacant.set(head, [...(around.vacant.get(head) ?? []), r.title]);
    }
    const byAgency = new Map();
    for (const a of data.accounts) {
      if (!a.agency?.contractOwner) continue;
      const known = byAgency.get(a.agency.id) ?? { name: a.agency.name, owner: a.agency.contractOwner.id, accounts: [] };
      known.accounts.push(a.handle);
      byAgency.set(a.agency.id, known);
    }
    for (const agency of byAgency.values()) around.agencies.set(agency.owner, [...(around.agencies.get(agency.owner) ?? []), agency]);
    return around;
  }

  /** The boxes that hang from `node` when it is open: vacant roles of the department they head, agencies they own. */
  extras(node) {
    const vacant = (this.vacant.get(node.id) ?? []).map((title) => ({
      name: `vacant: ${title}`,
      symbol: "rect",
      symbolSize: [12, 12],
      itemStyle: { color: "#fff", borderColor: COLORS.LEFT, borderType: "dashed", borderWidth: 1.5 },
      label: { color: COLORS.LEFT, fontStyle: "italic", borderColor: COLORS.LEFT, borderType: "dashed", borderWidth: 1, borderRadius: 3 },
    }));
    const agencies = (this.agencies.get(node.id) ?? []).map((agency) => ({
      name: `${agency.name}\noutside agency`,
      symbol: "diamond",
      symbolSize: 14,
      itemStyle: { color: COLORS.agency, borderColor: COLORS.agency },
      label: { color: COLORS.agency, borderColor: COLORS.agency, borderWidth: 1.5, borderRadius: 3, fontWeight: "bold" },
      lineStyle: { color: COLORS.agency, type: "dashed", width: 1.5 },
      children: agency.accounts.map((handle) => ({
        name: `runs ${handle}`,
        symbol: "rect",
        symbolSize: 10,
        itemStyle: { color: "#fff", borderColor: COLORS.agency },
        label: { color: COLORS.agency },
        lineStyle: { color: COLORS.agency, type: "dashed" },
      })),
    }));
    return [...vacant, ...agencies];
  }

  /** How many rows the extras of an open node take. */
  rows(node) {
    return (this.vacant.get(node.id)?.length ?? 0) + (this.agencies.get(node.id) ?? []).reduce((sum, a) => sum + Math.max(1, a.accounts.length), 0);
  }
}
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

function label(node, around) {
  const delegate = node.absence?.delegate ? ` (away → ${node.absence.delegate.name})` : null;
  const mark = delegate ?? (node.status === "ABSENT" ? " (away)" : node.status === "LEFT" ? " (left)" : "");
  const more = !node.open && node.reportCount ? `  ▸ ${node.reportCount}` : "";
  const heads = around.heads.get(node.id);
  // A department's head heads its box: the department's name above them, on the department's colour.
  return `${heads ? `{dept|${heads.join(" · ")}}\n` : ""}${node.name}${mark}${more}\n${node.title ?? ""}`;
}

function item(people, node, path, around) {
  const onPath = path.has(node.id);
  const color = onPath ? COLORS.path : COLORS[node.status] ?? COLORS.ACTIVE;
  const away = node.status === "ABSENT" || node.absence;
  const head = around.heads.has(node.id);
  const data = {
    name: label(node, around),
    pid: node.id,
    collapsed: !node.open,
    symbol: head ? "roundRect" : "circle",
    symbolSize: head ? 14 : 11,
    itemStyle: { color: node.reportCount ? color : "#fff", borderColor: away && !onPath ? COLORS.ABSENT : color, borderWidth: onPath ? 3 : 1.5 },
    label: {
      color: onPath ? COLORS.path : "#1a202c",
      fontWeight: onPath ? "bold" : "normal",
      borderColor: head ? COLORS.ACTIVE : "transparent",
      borderWidth: head ? 1 : 0,
      borderRadius: 4,
    },
    lineStyle: onPath ? { color: COLORS.path, width: 3 } : { color: COLORS.line, width: 1.2 },
  };
  if (node.reportCount) {
    const kids = node.open && node.children ? node.children.map((id) => item(people, people.byId.get(id), path, around)) : [];
    const rest = node.reportCount - (node.children?.length ?? 0);
    if (node.open && rest > 0) kids.push({ name: `… ${rest} more`, more: node.id, itemStyle: { color: "#fff", borderColor: COLORS.line } });
    data.children = kids;
  }
  if (node.open || !node.reportCount) {
    const extras = around.extras(node);
    if (extras.length) {
      data.children = [...(data.children ?? []), ...extras];
      data.collapsed = false; // someone with no reports still shows the agencies they answer for
    }
  }
  return data;
}

function visibleLeaves(people, node, around) {
  const extra = node.open || !node.reportCount ? around.rows(node) : 0;
  if (!node.open || !node.children?.length) return Math.max(1, extra);
  return node.children.reduce((sum, id) => sum + visibleLeaves(people, people.byId.get(id), around), 0) + (node.reportCount > node.children.length ? 1 : 0) + extra;
}

function depth(people, node, around = null) {
  const extra = around && (node.open || !node.reportCount) ? (around.agencies.has(node.id) ? 3 : around.vacant.has(node.id) ? 2 : 1) : 1;
  if (!node.open || !node.children?.length) return extra;
  return Math.max(extra, 1 + Math.max(...node.children.map((id) => depth(people, people.byId.get(id), around))));
}

function option(people, root, path, animate, around) {
  return {
    animation: animate,
    aria: { enabled: true, label: { description: `The org chart from ${root.name} down; the panel beside it reads the same by keyboard.` } },
    series: [
      {
        type: "tree",
        data: [item(people, root, path, around)],
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
          rich: { dept: { backgroundColor: COLORS.dept, color: "#12263f", fontWeight: "bold", padding: [2, 4], borderRadius: 3 } },
        },
        leaves: { label: { position: "right", align: "left" } },
        emphasis: { focus: "none" },
        roam: false,
      },
    ],
  };
}

/** The delegates of the people shown who are away, asked after they are drawn (the first paint does not wait). */
async function delegates(people) {
  const away = [...people.byId.values()].filter((p) => p.status === "ABSENT" && p.absence === undefined).slice(0, 25);
  if (!away.length) return false;
  const fields = away.map((p, i) => `a${i}: person(id: ${JSON.stringify(p.id)}, asOf: $asOf) { absence(asOf: $asOf) { delegate { id name } } }`);
  const data = await ask(`query Away($asOf: String) { ${fields.join("\n")} }`, { asOf: asOf() });
  away.forEach((p, i) => { p.absence = data[`a${i}`]?.absence ?? null; });
  return true;
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

/** The people of the first levels: the top and their reports, and the chain down to each person `params` highlights. */
async function firstLevels(params) {
  const [first, marked] = await Promise.all([ask(`query Top($asOf: String) { top(asOf: $asOf) { ${FIELDS} } }`, { asOf: asOf() }), highlighted(params)]);
  if (!first.top) return null;
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
  return { people, root, path, note: marked.note };
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
    h("span", { class: "legend" }, h("span", { class: "key active" }, "has reports"), h("span", { class: "key away" }, "away"), h("span", { class: "key left" }, "left"), h("span", { class: "key path" }, "highlighted path"), h("span", { class: "key head" }, "heads a department"), h("span", { class: "key vacant" }, "vacant role"), h("span", { class: "key agency" }, "outside agency")),
  );
  const layout = h("div", { class: stacked ? "chart-layout stacked" : "chart-layout" }, h("div", { class: "chart-scroll" }, canvas), panel);
  main.append(status, tools, layout);

  // The library is fetched and compiled while the first levels are asked for: neither waits for the other.
  const [echarts, opened] = await Promise.all([import(ECHARTS), firstLevels(params)]);
  if (!opened) {
    show(status, "The org is empty.");
    return;
  }
  const { people, root, path, note } = opened;
  if (note) status.after(note);

  const chart = echarts.init(canvas, null, { renderer: "canvas" });
  let around = new Around(); // drawn first without: the first levels do not wait for the departments
  let selected = path.size ? [...path].at(-1) : root.id;

  const draw = (animate = true) => {
    const height = Math.max(420, visibleLeaves(people, root, around) * 40 + 48);
    const needed = depth(people, root, around) * 220 + 300;
    // A chart wider than the room beside the panel takes the page's width, the panel below it: the deepest level
    // (a route's handlers) is then on screen, not scrolled out of sight.
    layout.classList.toggle("stacked", stacked || needed > layout.clientWidth - PANEL);
    const width = Math.max(canvas.parentElement.clientWidth, needed);
    chart.resize({ width, height });
    chart.setOption(option(people, root, path, animate, around), { replaceMerge: ["series"] });
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
    if (await delegates(people)) draw(false);
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
      around.heads.has(node.id) ? h("p", {}, `Heads ${around.heads.get(node.id).join(", ")}`) : null,
      node.absence?.delegate ? h("p", {}, "Away; covered by ", link(personPath(node.absence.delegate.id), node.absence.delegate.name)) : null,
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
      copy.setOption(option(people, root, path, false, around));
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
  try {
    [around] = await Promise.all([Around.load(), delegates(people)]);
    draw(false);
    canvas.dataset.around = String(around.heads.size);
  } catch (error) {
    status.after(problem(error));
  }
}
