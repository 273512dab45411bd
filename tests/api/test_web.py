"""The web view in a real browser, with no network but loopback, against a real ``buckstop serve``.

Debian's Chromium, driven by Playwright (as in tests/api/test_graphiql.py: every request off loopback
is refused and recorded, console errors are collected), opens each page as a user would. Screenshots
of every page are kept under ``build/test-artefacts/web/`` (not committed). Without Chromium these
tests skip, saying why -- except under ``CI=true``, where they fail.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest
from playwright.sync_api import Browser, Page, Route, expect

from buckstop.api.web import CSP

from harness.server import demo_store, make_token, start_server, stop_server
from harness.synth import load_org
from tests.api.test_graphiql import TIMEOUT_MS, Visit, browser, is_loopback

__all__ = ["browser"]  # the Chromium fixture, shared with the GraphiQL tests

pytestmark = pytest.mark.slow  # a real server and a browser

ROOT = Path(__file__).resolve().parents[2]
ARTEFACTS = ROOT / "build" / "test-artefacts" / "web"
#: Every page, as a user would open it from a link.
PAGES = {
    "home": "/",
    "person": "/people/p-carmen-ortiz",
    "account": "/accounts/acc-help",
    "route": "/route?account=%40CorvidHelp&issueType=refund",
    "chart": "/chart",
    "chart-route": "/chart?account=%40CorvidHelp&issueType=sales%20enquiry",
    "audit": "/audit",
    "matrix": "/matrix",
    "triage": "/route?account=%40CorvidHelp&message=who%20is%20your%20CEO%3F",
    "person-away": "/people/p-mateo-rossi?asOf=2026-12-01",
    "agency-account": "/accounts/acc-deals",
    "cases": "/cases",
    "case": "/cases/1",
}
#: The customer's message of the case the server opens.
CHARGED = "I was charged twice, I want my money back"
#: The secret of the server's token of scope cases (named web-cases), which opened case 1.
CASES_TOKEN: dict[str, str] = {}
#: The private fields of the API: none may be asked for, or reach a page, without a token.
PRIVATE_FIELDS = ("email", "phone", "location", "source", "where", "customer", "summary", "note")
#: People of the synthetic org the chart must open quickly.
BIG = 100_000
#: The chart's first levels must be drawn within FIRST_LEVELS_S of the navigation's start, measured in the page on a
#: warm server (started before, as a user's is); asserted with a margin for a busy shared machine (docs/web.md).
FIRST_LEVELS_S = 2.0
MARGIN = 1.5


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """A server on the demo org with one case opened (case 1, a refund), and a read token of its store."""
    db = tmp_path_factory.mktemp("web") / "buckstop.db"
    store = demo_store(db)
    token = make_token(store, "web")
    cases = CASES_TOKEN["secret"] = make_token(store, "web-cases", "cases")
    process, url = start_server(db)
    opened = httpx.post(
        f"{url}/graphql",
        json={
            "query": "mutation O($a: String!, $m: String!, $c: String!) "
            "{ openCase(account: $a, message: $m, customer: $c) { id } }",
            "variables": {"a": "@CorvidHelp", "m": CHARGED, "c": "@ann"},
        },
        headers={"authorization": f"Bearer {cases}"},
    ).json()
    assert opened["data"]["openCase"]["id"] == "1", opened
    yield url, token
    stop_server(process)


@pytest.fixture
def visit(browser: Browser) -> Iterator[Visit]:
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    seen = Visit(page)

    def guard(route: Route) -> None:
        if is_loopback(route.request.url):
            route.continue_()
        else:  # as an air-gapped cluster or a closed proxy would
            seen.refused.append(route.request.url)
            route.abort("internetdisconnected")

    context.route("**/*", guard)
    page.on("console", lambda message: message.type == "error" and seen.console_errors.append(message.text))
    page.on("pageerror", lambda error: seen.console_errors.append(str(error)))
    page.on("response", lambda response: response.status >= 400 and seen.failed.append(response.url))
    page.on("request", lambda request: request.method == "POST" and seen.graphql_requests.append(request))
    yield seen
    context.close()


def shot(page: Page, name: str) -> None:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / f"{name}.png"), full_page=True)


def settle(visit: Visit) -> None:
    """Wait until the page has drawn what it asked for: no request in flight, the loading line gone."""
    visit.page.wait_for_load_state("networkidle")
    expect(visit.page.locator("main")).not_to_contain_text("Loading…")


def assert_clean(visit: Visit) -> None:
    assert visit.refused == [], "the page asked hosts other than buckstop's"
    assert visit.failed == [], "buckstop refused some of the page's requests"
    assert visit.console_errors == []


def test_searching_carmen_and_opening_her_page_shows_her_chain_up_to_helena_marsh(
    server: tuple[str, str], visit: Visit
) -> None:
    url, _ = server
    page = visit.page
    page.goto(f"{url}/")
    page.get_by_role("searchbox", name="Search the org").fill("Carmen")
    page.locator("#hits").get_by_role("link", name="Carmen Ortiz").click()
    expect(page).to_have_url(f"{url}/people/p-carmen-ortiz")
    expect(page.get_by_role("heading", level=1)).to_have_text("Carmen Ortiz")
    chain = page.locator("section", has=page.get_by_role("heading", name="Chain of command")).locator("ol li")
    expect(chain).to_have_count(3)
    expect(chain.last).to_contain_text("Helena Marsh")
    assert chain.first.inner_text().startswith("level 1")
    expect(chain.first).to_contain_text("Jamal Williams")
    settle(visit)
    shot(page, "person")
    assert_clean(visit)


def test_the_route_page_for_corvidhelp_and_a_refund_shows_tomas_herrera_and_the_path_to_the_top(
    server: tuple[str, str], visit: Visit
) -> None:
    url, _ = server
    page = visit.page
    page.goto(f"{url}{PAGES['route']}")
    answer = page.locator("section.answer")
    expect(answer.locator("p.big")).to_contain_text("Handled by Tomás Herrera")
    steps = answer.locator("ol.path li")
    expect(steps.first).to_contain_text("Tomás Herrera")
    expect(steps.last).to_contain_text("Helena Marsh")
    expect(answer.locator("ul.why")).to_contain_text("Escalation: Tomás Herrera →")
    # The same path, drawn highlighted on the chart below: open from the top down to Tomás Herrera.
    chart = page.locator("#chart[data-levels]")
    expect(chart).to_have_attribute("data-levels", "4")
    expect(page.locator("#chart-panel h2")).to_have_text("Tomás Herrera")
    settle(visit)
    shot(page, "route")
    assert_clean(visit)


def test_a_new_user_finds_from_the_home_page_a_sales_enquirys_handlers_the_promotions_account_and_the_ceo(
    server: tuple[str, str], visit: Visit
) -> None:
    """The issue's "done means", as a user with no docs would do it, from http://127.0.0.1:8000/."""
    url, _ = server
    page = visit.page
    page.goto(f"{url}/")
    # Who is the CEO: the top of the org is on the home page, and named first when the search asks for it.
    expect(page.locator("section", has_text="The top")).to_contain_text("Helena Marsh · Chief Executive Officer")
    page.get_by_role("searchbox", name="Search the org").fill("who is the CEO")
    expect(page.locator("#hits li").first).to_contain_text("THE TOPHelena Marsh")
    # The promotions account (@CorvidDeals) is run by an outside agency: which, and who answers for it inside.
    deals = page.locator("section", has_text="Accounts").locator("li", has_text="@CorvidDeals")
    expect(deals).to_contain_text("run by Brightside Social, an outside agency · contract owner Olivia Grant")
    # Who handles a sales enquiry on @CorvidHelp, and who is above them: the form on the home page.
    page.get_by_label("Account", exact=True).select_option("@CorvidHelp")
    page.get_by_label("Issue type", exact=True).fill("sales enquiry")
    page.get_by_role("button", name="Who handles it?").click()
    answer = page.locator("section.answer")
    expect(answer.locator("p.big")).to_contain_text("Carmen Ortiz")
    expect(answer.locator("p.big")).to_contain_text("David Cohen")
    steps = answer.locator("ol.path li")
    expect(steps.nth(1)).to_contain_text("Jamal Williams")
    expect(steps.last).to_contain_text("Helena Marsh")
    settle(visit)
    assert_clean(visit)


@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_draws_with_no_console_error_and_no_request_off_loopback(
    server: tuple[str, str], visit: Visit, name: str
) -> None:
    url, _ = server
    visit.page.goto(f"{url}{PAGES[name]}")
    expect(visit.page.get_by_role("heading", level=1)).to_be_visible()
    settle(visit)
    assert visit.page.locator(".problem").count() == 0, visit.page.locator(".problem").all_inner_texts()
    shot(visit.page, name)
    visit.page.set_viewport_size({"width": 390, "height": 844})  # a phone: nothing wider than the screen
    visit.page.wait_for_timeout(300)
    width = visit.page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{name} is {width}px wide on a 390px phone"
    shot(visit.page, f"{name}-phone")
    assert_clean(visit)


def test_the_account_page_flags_fallbacks_and_names_the_agency_and_its_contract_owner(
    server: tuple[str, str], visit: Visit
) -> None:
    url, _ = server
    page = visit.page
    page.goto(f"{url}/accounts/acc-help")
    rows = page.locator("table.routing tbody tr")
    expect(rows.filter(has_text="Sales enquiry")).to_contain_text("Carmen Ortiz")
    expect(rows.filter(has_text="Product feedback").locator(".badge.fallback")).to_be_visible()
    promotions = httpx.post(f"{url}/graphql", json={"query": "{ accounts { id operatedBy } }"}).json()
    agency_run = [a["id"] for a in promotions["data"]["accounts"] if (a["operatedBy"] or "").startswith("agency:")]
    assert agency_run, "the demo has an account run by an agency"
    page.goto(f"{url}/accounts/{agency_run[0]}")
    expect(page.locator("dl.facts")).to_contain_text("contract owner")
    settle(visit)
    assert_clean(visit)


def test_the_chart_exports_svg_and_png_and_opens_a_person_on_click(server: tuple[str, str], visit: Visit) -> None:
    url, _ = server
    page = visit.page
    page.goto(f"{url}/chart")
    expect(page.locator("#chart[data-levels]")).to_have_attribute("data-levels", "2")
    with page.expect_download() as svg:
        page.get_by_role("button", name="Export SVG").click()
    assert svg.value.suggested_filename == "org-chart.svg"
    assert "<svg" in Path(svg.value.path()).read_text(encoding="utf-8")[:500]
    with page.expect_download() as png:
        page.get_by_role("button", name="Export PNG").click()
    assert Path(png.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # By keyboard, through the panel: the top's reports are listed; opening one of theirs adds a level.
    page.locator("#chart-panel").get_by_role("button", name="Priya Raman").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#chart-panel h2")).to_have_text("Priya Raman")
    page.get_by_role("button", name="Show their reports").press("Enter")
    expect(page.locator("#chart-panel")).to_contain_text("Jamal Williams")
    assert_clean(visit)


def test_the_chart_draws_department_boxes_away_people_with_their_delegate_and_agencies_as_outside_boxes(
    server: tuple[str, str], visit: Visit
) -> None:
    url, _ = server
    page = visit.page
    page.goto(f"{url}/chart?person=p-olivia-grant&asOf=2026-12-01")
    expect(page.locator("#chart[data-around]")).to_have_attribute("data-around", re.compile(r"[1-9]"))
    expect(page.locator("#chart-panel")).to_contain_text("Olivia Grant")
    with page.expect_download() as svg:
        page.get_by_role("button", name="Export SVG").click()
    drawn = Path(svg.value.path()).read_text(encoding="utf-8")
    for text in ("Marketing", "Jonas Whitfield (away → Zoe Hartmann)", "Brightside Social", "outside agency"):
        assert text in drawn, f"{text!r} is not on the chart"
    assert "runs @CorvidDeals" in drawn  # the account the agency runs, tied to it
    page.locator("#chart-panel").get_by_role("button", name="Up to Gabriel Santos").click()
    expect(page.locator("#chart-panel")).to_contain_text("Heads Marketing")
    assert_clean(visit)


def test_the_matrix_downloads_as_csv(server: tuple[str, str], visit: Visit) -> None:
    url, _ = server
    page = visit.page
    page.goto(f"{url}/matrix")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV").click()
    lines = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
    assert lines[0] == "account,handle,issue_type,handlers,fallback,rule"
    assert any(line.startswith("acc-help,@CorvidHelp,Sales enquiry,") and "Carmen Ortiz" in line for line in lines)
    assert_clean(visit)


def test_without_a_token_no_private_field_reaches_any_page(server: tuple[str, str], visit: Visit) -> None:
    url, token = server
    page = visit.page
    answers: list[str] = []
    page.on("response", lambda response: response.request.method == "POST" and answers.append(response.text()))
    for path in PAGES.values():
        page.goto(f"{url}{path}")
        settle(visit)
        text = page.locator("body").inner_text()
        assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", text), f"an e-mail address on {path}"
        assert "E-mail" not in text and "Phone" not in text
    asked = " ".join(request.post_data or "" for request in visit.graphql_requests)
    for field in PRIVATE_FIELDS:
        assert not re.search(rf"\b{field}\b", asked), f"a page asked for {field} without a token"
    leaked = [(field, body[:300]) for body in answers for field in PRIVATE_FIELDS if f'"{field}":' in body]
    assert answers and leaked == []
    # A case's message (a field named as triage's argument and the audit's public findings): its words.
    assert not [body[:300] for body in answers if CHARGED in body or "@ann" in body]
    assert all(request.headers.get("authorization") is None for request in visit.graphql_requests)
    # A token pasted once unlocks them, for this tab only (session storage), and is sent as a Bearer header.
    page.goto(f"{url}/people/p-carmen-ortiz")
    page.get_by_label("Token").fill(token)
    page.get_by_role("button", name="Use").click()
    expect(page.locator("dl.facts")).to_contain_text("E-mail")
    assert page.evaluate("sessionStorage.getItem('buckstop.token')") == token
    assert page.evaluate("localStorage.length") == 0
    assert visit.graphql_requests[-1].headers.get("authorization") == f"Bearer {token}"
    assert_clean(visit)


def test_pasting_who_is_your_ceo_on_the_route_page_names_helena_marsh_first(
    server: tuple[str, str], visit: Visit
) -> None:
    url, _ = server
    page = visit.page
    page.goto(f"{url}/route")
    page.get_by_label("Account").nth(1).select_option("@CorvidHelp")
    page.get_by_label("The customer's message").fill("who is your CEO?")
    page.get_by_role("button", name="Read it and route it").click()
    verdict = page.locator("section.verdict")
    expect(verdict.locator("p").first).to_have_text(re.compile(r"^The person in charge: Helena Marsh"))
    expect(verdict).to_contain_text("unclassified → fallback")
    expect(verdict.locator(".evidence")).to_contain_text("ceo")
    expect(page.locator("section.answer p.big")).to_contain_text("Handled by")
    expect(page.locator("#chart[data-levels]")).to_have_attribute("data-levels", re.compile(r"\d"))
    assert "message=who+is+your+CEO" in page.url  # a deep link to the same verdict
    # A refund, read from the customer's words: the issue type, the words that decided it, then Tomás Herrera.
    page.goto(f"{url}/route?" + urlencode({"account": "@CorvidHelp", "message": CHARGED}))
    expect(page.locator("#verdict-type")).to_have_text("Refund")
    expect(page.locator(".evidence")).to_contain_text("charged twice")
    expect(page.locator("section.answer p.big")).to_contain_text("Tomás Herrera")
    settle(visit)
    assert_clean(visit)


def test_a_person_page_as_of_a_day_keeps_the_day_and_shows_an_absence_and_its_delegate(
    server: tuple[str, str], visit: Visit
) -> None:
    url, _ = server
    page = visit.page
    page.goto(f"{url}/people/p-carmen-ortiz?asOf=2026-01-01")
    expect(page.get_by_role("heading", level=1)).to_have_text("Carmen Ortiz")
    expect(page.get_by_label("As of")).to_have_value("2026-01-01")
    expect(page.locator("#org-version")).to_contain_text("org version 1")
    boss = page.locator("section", has=page.get_by_role("heading", name="Chain of command")).locator("ol li a").first
    assert "asOf=2026-01-01" in (boss.get_attribute("href") or ""), "a link leaves the day behind"
    assert "asOf=2026-01-01" in (page.get_by_role("link", name="Chart", exact=True).get_attribute("href") or "")
    settle(visit)
    asked = [json.loads(r.post_data or "{}").get("variables", {}) for r in visit.graphql_requests]
    assert asked and all(v.get("asOf") == "2026-01-01" for v in asked if "id" in v), asked
    # Mateo Rossi is away from 2026-11-01, covered by Nadia Haddad; not yet on 2026-10-15.
    page.goto(f"{url}/people/p-mateo-rossi?asOf=2026-12-01")
    expect(page.locator("#absence")).to_have_text(
        "away from 2026-11-01 until 2027-03-31; covered by Nadia Haddad · Senior Customer Support Agent"
    )
    page.goto(f"{url}/people/p-mateo-rossi")
    page.get_by_label("As of").fill("2026-10-15")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(f"{url}/people/p-mateo-rossi?asOf=2026-10-15")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mateo Rossi")
    settle(visit)
    assert page.locator("#absence").count() == 0
    assert_clean(visit)


def test_cases_list_and_story_public_then_with_a_token_and_actions_only_for_a_token_of_scope_cases(
    server: tuple[str, str], visit: Visit
) -> None:
    url, token = server
    page = visit.page
    page.goto(f"{url}/cases")
    expect(page.locator("#cases-token")).to_contain_text("Paste a token (scope read)")
    row = page.locator("table.cases tbody tr").first
    expect(row).to_contain_text("#1")
    expect(row).to_contain_text("open")
    expect(row).to_contain_text("Tomás Herrera")
    row.get_by_role("link", name="#1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Case #1 · Refund")
    expect(page.locator("ol.events li")).to_have_count(1)
    expect(page.locator("ol.events")).to_contain_text("opened")
    assert CHARGED not in page.locator("body").inner_text()
    assert page.get_by_role("button", name="Resolve").count() == 0  # no actions without a token
    # With a read token: the customer's words, and no action, but a line saying which token may act.
    page.get_by_label("Token").fill(token)
    page.get_by_role("button", name="Use").click()
    expect(page.locator("dl.facts")).to_contain_text(CHARGED)
    expect(page.locator("#case-no-actions")).to_have_text(re.compile(r"^Your token \(web\) may read cases but not act"))
    assert page.get_by_role("button", name="Resolve").count() == 0
    assert page.get_by_label("Note").count() == 0
    # With a token of scope cases: the actions, and one taken is in the story.
    page.get_by_role("button", name="Forget").click()
    page.get_by_label("Token").fill(CASES_TOKEN["secret"])
    page.get_by_role("button", name="Use").click()
    expect(page.get_by_role("button", name="Resolve")).to_be_visible()
    assert page.locator("#case-no-actions").count() == 0
    page.get_by_label("Note").fill("asked for the order number")
    page.get_by_role("button", name="Add the note").click()
    expect(page.locator("ol.events li")).to_have_count(2)
    expect(page.locator("ol.events li").last).to_contain_text("by web-cases")
    expect(page.locator("ol.events li").last).to_contain_text("asked for the order number")
    settle(visit)
    assert_clean(visit)


def test_an_unknown_account_names_the_near_handles(server: tuple[str, str], visit: Visit) -> None:
    url, _ = server
    page = visit.page
    page.goto(f"{url}/accounts/@CorvidHlp")
    expect(page.locator(".problem")).to_contain_text("did you mean")
    expect(page.locator(".problem")).to_contain_text("@CorvidHelp")
    visit.failed.clear()  # GraphQL answers the unknown account as an error, with its status
    assert visit.refused == [] and visit.console_errors == []


def test_every_page_is_sent_with_a_strict_content_security_policy(server: tuple[str, str]) -> None:
    url, _ = server
    for path in PAGES.values():
        response = httpx.get(f"{url}{path}")
        assert response.status_code == 200, path
        assert response.headers["content-security-policy"] == CSP
        assert "unsafe-inline" not in CSP and "http" not in CSP
        assert re.findall(r"""(?:src|href)=["'](?:https?:)?//""", response.text) == [], path
        assert "<script>" not in response.text and " style=" not in response.text, path
    files = re.findall(r"""(?:src|href|content)="(/static/[^"]+)""", httpx.get(f"{url}/").text)
    assert len(files) == 3, files  # the module, the stylesheet, the chart library
    for file in files:
        answer = httpx.get(f"{url}{file}")
        assert answer.status_code == 200, file
        assert answer.headers["cache-control"] == "public, max-age=31536000, immutable"
    for other in ("/static/web/page.html", "/static/vendor/refresh.sh", "/static/vendor/VERSIONS.md", "/static/web/x"):
        assert httpx.get(f"{url}{other}").status_code == 404, other


@pytest.fixture(scope="module")
def big_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db, _, _ = load_org("synth", BIG, 1, tmp_path_factory.mktemp("web-big"))
    process, url = start_server(db, "--no-seed")
    yield url
    stop_server(process)


def test_the_chart_of_a_100k_person_org_shows_its_first_levels_within_2_s(big_server: str, browser: Browser) -> None:
    # A context of its own, with no request routing: Playwright's routing turns the browser's cache off, and a
    # revisit is measured from that cache. Requests are recorded instead, and any off loopback fails the test.
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    seen = Visit(page)
    page.on("request", lambda request: not is_loopback(request.url) and seen.refused.append(request.url))
    page.on("console", lambda message: message.type == "error" and seen.console_errors.append(message.text))
    page.on("pageerror", lambda error: seen.console_errors.append(str(error)))
    page.on("response", lambda response: response.status >= 400 and seen.failed.append(response.url))
    in_page: dict[str, float] = {}
    wall: dict[str, float] = {}
    for visit_kind in ("first visit", "revisit"):  # the library fetched and compiled, then from the browser's cache
        started = time.perf_counter()
        page.goto(f"{big_server}/chart")
        chart = page.locator("#chart[data-levels]")
        expect(chart).to_have_attribute("data-levels", "2", timeout=TIMEOUT_MS)
        wall[visit_kind] = time.perf_counter() - started
        # Drawn at this many ms after the navigation started, by the page's own clock (performance.now()).
        in_page[visit_kind] = float(chart.get_attribute("data-ready-ms") or "inf") / 1000
    shown = int(chart.get_attribute("data-people") or 0)
    figures = ", ".join(f"{kind} {in_page[kind]:.2f} s in the page ({wall[kind]:.2f} s from goto)" for kind in wall)
    print(f"\nchart of {BIG:,} people, first two levels drawn ({shown} people): {figures}")
    assert shown > 1
    for kind, seconds in in_page.items():
        assert seconds < FIRST_LEVELS_S * MARGIN, f"{kind}: the first levels took {seconds:.2f} s (goal 2 s)"
    # Opening one more level asks for one page of reports, not the org.
    page.locator("#chart-panel .panel-list li:has(span.muted) button").first.click()  # one with reports
    page.get_by_role("button", name="Show their reports").click()
    expect(page.locator("#chart-panel .panel-list li").first).to_be_visible()
    shot(page, "chart-100k")
    assert_clean(seen)
    context.close()
