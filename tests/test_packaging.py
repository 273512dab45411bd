"""The built wheel, as a user installs it: a fresh venv outside the checkout, the installed command only.

One module-scoped venv: building the wheel and installing it with its dependencies takes
most of a minute, so every test here shares it. Nothing runs from the checkout: the
commands start in a new empty folder, with the venv's own ``buckstop``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import venv
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Route, expect

from harness.server import free_port
from tests.api.test_graphiql import TIMEOUT_MS, browser, is_loopback

__all__ = ["browser"]  # the Chromium fixture, shared with the web view's tests

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
GENERIC = {"api", "graph", "queries", "loaders", "seed"}


@dataclass
class Installed:
    wheel: Path
    python: Path
    buckstop: Path
    site_packages: Path
    home: Path  # an empty folder outside the checkout, where the commands run

    def run(self, *args: str, cwd: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.buckstop), *args],
            cwd=cwd or self.home,
            env=_users_environment(),
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def serve(self, port: int, cwd: Path, output: int) -> subprocess.Popen[bytes]:
        """``buckstop serve`` on ``port`` from ``cwd`` (its default store), started; ``output``: where it writes."""
        return subprocess.Popen(
            [str(self.buckstop), "serve", "--port", str(port)],
            cwd=cwd,
            env=_users_environment(),
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def _users_environment() -> dict[str, str]:
    """This environment without the settings of buckstop and Neo4j the test run may have: a user's shell."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("BUCKSTOP_", "NEO4J_"))}


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    base = tmp_path_factory.mktemp("wheel")
    dist = base / "dist"
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = dist.glob("buckstop-*.whl")
    env_dir = base / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", str(wheel)], capture_output=True, text=True, timeout=900
    )
    assert install.returncode == 0, install.stderr
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    home = base / "home"
    home.mkdir()
    yield Installed(wheel, python, env_dir / "bin" / "buckstop", Path(site), home)


def test_the_wheel_claims_no_generic_top_level_name(installed: Installed) -> None:
    with zipfile.ZipFile(installed.wheel) as wheel:
        tops = {name.split("/")[0] for name in wheel.namelist()}
    assert tops & GENERIC == set()
    assert not any((installed.site_packages / name).exists() for name in GENERIC)
    for package in ("api/cli", "api/graphql", "api/mcp", "graph/neo4j", "queries/audit", "queries/understand"):
        assert (installed.site_packages / "buckstop" / package / "__init__.py").is_file(), package


def test_the_wheel_holds_every_module_and_data_file_of_the_checkout(installed: Installed) -> None:
    with zipfile.ZipFile(installed.wheel) as wheel:
        names = set(wheel.namelist())
    tracked = subprocess.run(
        ["git", "ls-files", "graph", "loaders", "queries", "api", "seed"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    # Maintainers' scripts (refresh.sh, which re-vendors GraphiQL) stay in the checkout.
    wanted = {f"buckstop/{path}" for path in tracked if not path.endswith(".sh")}
    assert wanted - names == set()


def test_version(installed: Installed) -> None:
    result = installed.run("--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().startswith("buckstop ")


def test_load_the_demo_bundle_then_route(installed: Installed, tmp_path: Path) -> None:
    demo = subprocess.run(
        [str(installed.python), "-c", "import buckstop.seed; print(buckstop.seed.FOLDER)"],
        capture_output=True,
        text=True,
        check=True,
        cwd=installed.home,
    ).stdout.strip()
    db = tmp_path / "org.db"
    loaded = installed.run("load", demo, "--db", str(db))
    assert loaded.returncode == 0, loaded.stderr
    routed = installed.run("route", "@CorvidHelp", "refund", "--db", str(db))
    assert routed.returncode == 0, routed.stderr
    assert "Tomás Herrera" in routed.stdout


def test_serve_refuses_a_store_that_does_not_exist(installed: Installed, tmp_path: Path) -> None:
    result = installed.run("serve", "--db", "new.db", "--port", str(free_port()), cwd=tmp_path, timeout=60)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "new.db" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_serve_on_the_default_store_serves_the_demo_and_says_so(installed: Installed, tmp_path: Path) -> None:
    port = free_port()
    process = installed.serve(port, tmp_path, subprocess.PIPE)
    try:
        answer = _ask_top(f"http://127.0.0.1:{port}", process)
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=20)
    assert answer == {"data": {"top": {"name": "Helena Marsh"}}}
    assert (tmp_path / "buckstop.db").exists()
    said = [line for line in output.decode().splitlines() if "demo" in line]
    assert len(said) == 1, output.decode()


def test_the_web_view_draws_the_chart_from_the_installed_wheel_offline(
    installed: Installed, browser: Browser, tmp_path: Path
) -> None:
    """The pages, their modules and the vendored chart library are in the wheel: /chart draws in Chromium,
    every request on loopback, no console error."""
    port = free_port()
    process = installed.serve(port, tmp_path, subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    context = browser.new_context()
    try:
        _ask_top(url, process)
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        off_loopback: list[str] = []
        errors: list[str] = []

        def guard(route: Route) -> None:  # as an air-gapped network would
            if is_loopback(route.request.url):
                route.continue_()
            else:
                off_loopback.append(route.request.url)
                route.abort("internetdisconnected")

        context.route("**/*", guard)
        page.on("console", lambda message: message.type == "error" and errors.append(message.text))
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on(
            "response", lambda response: response.status >= 400 and errors.append(f"{response.status} {response.url}")
        )
        page.goto(f"{url}/chart")
        expect(page.locator("#chart[data-levels]")).to_have_attribute("data-levels", "2")
        expect(page.locator("#chart-panel h2")).to_have_text("Helena Marsh")
        assert off_loopback == [] and errors == []
    finally:
        context.close()
        process.terminate()
        process.communicate(timeout=20)


def _ask_top(url: str, process: subprocess.Popen[bytes]) -> object:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stdout.read().decode() if process.stdout else ""
        try:
            response = httpx.post(f"{url}/graphql", json={"query": "{ top { name } }"}, timeout=5)
            return response.json()
        except httpx.HTTPError:
            time.sleep(0.2)
    raise AssertionError("the installed buckstop serve did not answer in 60 s")
