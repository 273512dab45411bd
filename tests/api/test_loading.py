"""The loadPeople mutation over real HTTP: a multipart upload to a server of our own (never the demo one)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from harness.server import Server, make_token, start_server, stop_server
from tests.loaders.samples import PEOPLE, export_bytes

pytestmark = pytest.mark.slow

LOAD = """
mutation Load($file: Upload!, $managers: Upload, $dryRun: Boolean!) {
  loadPeople(file: $file, managers: $managers, dryRun: $dryRun, limit: 3) {
    applied version notes problemCount problems
    diff {
      summary joinerCount leaverCount
      joiners { id name source }
      leavers { id name }
      moves { person { id } field old new }
      titleChanges { person { id } old new }
      consequences { kind id message }
    }
  }
}
"""


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    token = make_token(tmp_path / "hr.db", "hr-pipeline", "admin")
    process, url = start_server(tmp_path / "hr.db", "--no-seed")
    server = Server(url, tmp_path / "hr.db", token)
    yield server
    server.client.close()
    stop_server(process)


def upload(server: Server, files: dict[str, tuple[str, bytes]], *, dry_run: bool = False, **headers: str) -> Any:
    """A GraphQL multipart request (operations, map, then the files)."""
    variables: dict[str, Any] = {"file": None, "managers": None, "dryRun": dry_run}
    form = {
        "operations": json.dumps({"query": LOAD, "variables": variables}),
        "map": json.dumps({name: [f"variables.{name}"] for name in files}),
    }
    headers = headers or {"x-buckstop-upload": "1"}
    return server.client.post("/graphql", data=form, files=files, headers=headers)


def test_an_upload_is_loaded_and_answers_with_its_diff(server: Server) -> None:
    response = upload(server, {"file": ("bamboohr.csv", export_bytes("BambooHR"))})
    assert response.status_code == 200, response.text
    result = response.json()["data"]["loadPeople"]
    assert (result["applied"], result["version"], result["problemCount"]) == (True, 1, 0)
    assert "bamboohr.csv: read as the BambooHR people format" in result["notes"]
    assert result["diff"]["joinerCount"] == 6
    assert result["diff"]["joiners"][0] == {"id": "1001", "name": "Cora Chén", "source": "bamboohr.csv:2"}
    assert len(result["diff"]["joiners"]) == 3  # limit
    person = server.query('{ person(id: "Ann Lee") { source manager { name } } }')["data"]["person"]
    assert person == {"source": "bamboohr.csv:5", "manager": {"name": "Sue Park"}}


def test_a_dry_run_answers_the_diff_and_problems_and_changes_nothing(server: Server) -> None:
    upload(server, {"file": ("bamboohr.csv", export_bytes("BambooHR"))})
    later = [p for p in PEOPLE if p.id != "1003"]  # Sue has gone; her reports name her still
    response = upload(server, {"file": ("bamboohr.csv", export_bytes("BambooHR", later))}, dry_run=True)
    result = response.json()["data"]["loadPeople"]
    assert (result["applied"], result["version"]) == (False, None)
    assert result["diff"]["leavers"] == [{"id": "1003", "name": "Sue Park"}]
    assert result["problemCount"] == 0  # her reports still find her, kept as someone who left
    assert server.query('{ person(id: "1003") { status } }')["data"]["person"] == {"status": "ACTIVE"}


def test_a_refused_upload_is_one_error_with_every_problem(server: Server) -> None:
    broken = export_bytes("Personio").replace(b"PARK, SUE", b"PARK, SUSAN")
    body = upload(server, {"file": ("personio.csv", broken)}).json()
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "BUNDLE_REFUSED"
    assert error["extensions"]["problemCount"] == 3
    assert error["message"] == "refused: 3 problems, nothing was changed"
    assert error["extensions"]["problems"][0].startswith(
        "personio.csv:5 [supervisor]: manager 'PARK, SUSAN' matches no one's id, email or full name"
    )
    assert server.query("{ top { id } }")["data"]["top"] is None


def test_an_entra_download_with_its_managers_file(server: Server) -> None:
    managers = "".join(f"{p.email},{m.email}\n" for p in PEOPLE if p.manager for m in PEOPLE if m.id == p.manager)
    files = {
        "file": ("users.csv", export_bytes("Entra ID")),
        "managers": ("managers.csv", ("person,manager\n" + managers).encode()),
    }
    result = upload(server, files).json()["data"]["loadPeople"]
    assert result["applied"] is True
    chain = server.query('{ chainOfCommand(person: "Ann Lee") { name } }')["data"]["chainOfCommand"]
    assert [p["name"] for p in chain] == ["Sue Park", "Omar Ortiz", "Cora Chén"]


def test_a_multipart_post_without_the_preflight_header_is_refused(server: Server) -> None:
    response = upload(server, {"file": ("x.csv", export_bytes("BambooHR"))}, **{"user-agent": "a-form"})
    assert response.status_code == 400
    assert "x-buckstop-upload" in response.json()["errors"][0]["message"]
    assert httpx.get(f"{server.url}/readyz").json()["version"] == 0


EFFECTIVE = """
mutation Load($file: Upload!, $effective: String) {
  loadPeople(file: $file, effective: $effective) { applied version effective notes }
}
"""


def upload_effective(server: Server, effective: str) -> Any:
    form = {
        "operations": json.dumps({"query": EFFECTIVE, "variables": {"file": None, "effective": effective}}),
        "map": json.dumps({"file": ["variables.file"]}),
    }
    files = {"file": ("bamboohr.csv", export_bytes("BambooHR"))}
    return server.client.post("/graphql", data=form, files=files, headers={"x-buckstop-upload": "1"})


def test_an_upload_takes_its_effective_date_and_a_bad_one_changes_nothing(server: Server) -> None:
    refused = upload_effective(server, "2026-02-30").json()
    assert refused["errors"][0]["message"].startswith("effective '2026-02-30' is not a date")
    assert refused["errors"][0]["extensions"]["code"] == "BAD_DATE"
    assert server.query('{ version(asOf: "2026-03-01") { number } }')["data"]["version"]["number"] == 0
    loaded = upload_effective(server, "2026-01-01").json()["data"]["loadPeople"]
    assert (loaded["applied"], loaded["version"], loaded["effective"]) == (True, 1, "2026-01-01")
    asked = server.query('{ version(asOf: "2026-03-01") { number effective } top(asOf: "2025-12-31") { id } }')
    assert asked["data"] == {"version": {"number": 1, "effective": "2026-01-01"}, "top": None}
