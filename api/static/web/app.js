// The web view's entry: the token form of the header, then the page the address names (api/web.py PAGES).

import { privateView, setToken } from "./api.js";
import { h, href, problem, show } from "./dom.js";

const PAGES = [
  [/^\/$/, () => import("./home.js")],
  [/^\/chart$/, () => import("./chart.js")],
  [/^\/people\/(.+)$/, () => import("./person.js")],
  [/^\/accounts\/(.+)$/, () => import("./account.js")],
  [/^\/route$/, () => import("./route.js")],
  [/^\/audit$/, () => import("./audit.js")],
  [/^\/matrix$/, () => import("./matrix.js")],
];

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
    if (target === href(path) || (path.startsWith("/people/") && false)) anchor.setAttribute("aria-current", "page");
  }
}

async function main() {
  tokenForm();
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
    return;
  }
  show(main, h("h1", {}, "Not found"), h("p", {}, "No page here. ", h("a", { href: href("/") }, "Search the org")));
}

main();
