// Building the page from data: elements made with their text set as text, never parsed as HTML,
// so a name in the org can never become markup (and the Content-Security-Policy forbids inline styles).

const ROOT = document.querySelector('meta[name="buckstop-root"]')?.content ?? "";

/** A URL of this server, under the prefix the page was served at. */
export function href(path) {
  return ROOT + path;
}

/** The day the page is asked about (`?asOf=YYYY-MM-DD`, kept in every link), or null for today. */
export function asOf() {
  return new URLSearchParams(location.search).get("asOf") || null;
}

/** A page's URL, carrying the day asked about, so a deep link keeps it. */
export function pageHref(path) {
  const day = asOf();
  if (!day) return href(path);
  const [base, query = ""] = path.split(/\?(.*)/s);
  const params = new URLSearchParams(query);
  params.set("asOf", day);
  return href(`${base}?${params}`);
}

/** An element: `h("a", { href: "/x", class: "y" }, "text", child, …)`; null and false children are left out. */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replace what `element` shows. */
export function show(element, ...children) {
  element.replaceChildren();
  append(element, children);
}

/** A link to a page of the web view (on the day asked about). */
export function link(path, text, attributes = {}) {
  return h("a", { ...attributes, href: pageHref(path) }, text);
}

export function personPath(id) {
  return `/people/${encodeURIComponent(id)}`;
}

export function accountPath(id) {
  return `/accounts/${encodeURIComponent(id)}`;
}

export function routePath(account, issueType) {
  return `/route?${new URLSearchParams({ account, issueType })}`;
}

/** A person as a link, with their title and a mark when they are away or have left. */
export function person(p, { title = true } = {}) {
  if (!p) return h("span", { class: "muted" }, "nobody");
  return h(
    "span",
    { class: "person" },
    link(personPath(p.id), p.name),
    title && p.title ? h("span", { class: "title" }, ` · ${p.title}`) : null,
    statusMark(p.status),
  );
}

export function statusMark(status) {
  if (status === "ABSENT") return h("span", { class: "badge away" }, "away");
  if (status === "LEFT") return h("span", { class: "badge left" }, "left");
  return null;
}

/** A node named `kind:id` (as the audit and the accounts name them) as a link where the view has a page for it. */
export function nodeLink(ref) {
  const [kind, id] = ref.includes(":") ? ref.split(/:(.*)/s) : ["", ref];
  if (kind === "person") return link(personPath(id), ref);
  if (kind === "account") return link(accountPath(id), ref);
  return h("code", {}, ref);
}

/** The page's title, in the tab and as its heading. */
export function heading(text, main) {
  document.title = `${text} · buckstop`;
  const element = h("h1", {}, text);
  main.append(element);
  return element;
}

/** An error the page can show: one line, as the API said it. */
export function problem(error) {
  return h("p", { class: "problem", role: "alert" }, String(error?.message ?? error));
}

/** Save a Blob, or what a data: URL holds, as a file named `name`. */
export function download(name, content) {
  const url = typeof content === "string" ? content : URL.createObjectURL(content);
  const anchor = h("a", { href: url, download: name, class: "offscreen" });
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  if (typeof content !== "string") setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
