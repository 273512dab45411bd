// The web view's entry: the token form of the header, then the page the address names (api/web.py PAGES).

import { ask, privateView, setToken } from "./api.js";
import { asOf, h, href, pageHref, problem, show } from "./dom.js";

const PAGES = [
  [/^\/$/, () => import("./home.js")],
  [/^\/chart$/, () => import("./chart.js")],
  [/^\/people\/(.+)$/, () => import("./person.js")],
  [/^\/accounts\/(.+)$/, () => import("./account.js")],
  [/^\/route$/, () => import("./route.js")],
  [/^\/audit$/, () => import("./audit.js")],
  [/^\/matrix$/, () => import("./matrix.js")],
  [/^\/cases$/, () => import("./cases.js")],
  [/^\/cases\/(.+)$/, () => import("./case.js")],
];

/** The date picker: the day lives in the URL (`?asOf=`), so a deep link keeps it; the page is asked again. */
function asOfForm() {
  const form = document.getElementById("as-of-form");
  const input = document.getElementById("as-of");
  const reset = document.getElementById("as-of-today");
  const go = (day) => {
    const url = new URL(location.href);
    if (day) url.searchParams.set("asOf", day);
    else url.searchParams.delete("asOf");
    location.assign(url);
  };
  input.value = asOf() ?? "";
  reset.hidden = !asOf();
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    go(input.value);
  });
  reset.addEventListener("click", () => go(""));
  for (const anchor of document.querySelectorAll("header nav a")) { // the other pages, on the same day
    const path = new URL(anchor.href).pathname.slice(href("").length) || "/";
    if (path !== "/graphql") anchor.href = pageHref(path);
  }
}

/** Which version of the org answers the day asked about, beside the picker (after the page: it is not urgent). */
async function orgVersion() {
  const shown = document.getElementById("org-version");
  try {
    const { version } = await ask("query V($asOf: String) { version(asOf: $asOf) { number effective } }", { asOf: asOf() });
    shown.textContent = version.number
      ? `org version ${version.number}${version.effective ? `, in force since ${version.effective}` : ""}`
      : "no version of the org then";
  } catch {
    shown.textContent = ""; // the page says what went wrong with the day
  }
}

function tokenForm() {
  const form = document.getElementById("token-form");
  const input = document.getElementById("token-input");
  const forget = document.getElementById("token-forget");
  const label = document.getElementById("token-label");
  const shown = () => {
    const unlocked = privateView();
    forget.hidden = !unlocked;
    input.hidden = unlocked;
    document.getElementById("token-use").hidden = unlocked;
    label.textContent = unlocked ? "Private view (token in this tab)" : "Token";
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!input.value.trim()) return;
    setToken(input.value.trim());
    input.value = "";
    location.reload(); // every page asks again, now with the private fields
  });
  forget.addEventListener("click", () => {
    setToken("");
    location.reload();
  });
  shown();
}

function markCurrent(path) {
  for (const anchor of document.querySelectorAll("header nav a")) {
    const target = new URL(anchor.href).pathname;
    if (target === href(path)) anchor.setAttribute("aria-current", "page");
  }
}

async function main() {
  tokenForm();
  asOfForm();
  const root = href("");
  const path = decodeURI(location.pathname.slice(root.length)) || "/";
  const main = document.getElementById("main");
  markCurrent(path);
  for (const [pattern, load] of PAGES) {
    const found = path.match(pattern);
    if (!found) continue;
    try {
      const page = await load();
      main.replaceChildren();
      await page.render(main, found[1] ?? null, new URLSearchParams(location.search));
    } catch (error) {
      main.append(problem(error));
    }
    await orgVersion();
    return;
  }
  show(main, h("h1", {}, "Not found"), h("p", {}, "No page here. ", h("a", { href: href("/") }, "Search the org")));
}

main();
