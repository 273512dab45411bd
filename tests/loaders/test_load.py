"""A load: a people file is a snapshot (who it lacks has left), explained by a diff; a dry run changes nothing."""

from __future__ import annotations

import pytest

from buckstop import seed
from buckstop.graph import WHOLE, BundleRefused, Kind, Status
from buckstop.graph.store import DEMO_ACTOR, holds_demo
from buckstop.loaders import apply_bundle, load

from tests.conftest import focused_if
from tests.loaders.samples import PEOPLE, write_sample
from tests.orgs import OrgBuilder, acme, write_csv


def with_rule() -> OrgBuilder:
    return (
        acme()
        .rule("r-billing", "it-billing", "organization", "role:role-billing")
        .rule("r-refund", "it-refund", "organization", "person:p-ann")
    )


def reorganised() -> OrgBuilder:
    """Acme a month later: Max and Ann have gone, Nia joined, Dan moved, Bob is away, Sue has a new title."""
    org = with_rule()
    org.rows["people.csv"] = [r for r in org.rows["people.csv"] if r["id"] not in ("p-max", "p-ann")]
    org.person("p-nia", "Nia Ng", department="d-mkt", manager="p-mia", title="Social Media Advocate")
    org.change("people.csv", "p-dan", department_id="d-support")
    org.change("people.csv", "p-bob", status="absent")
    org.change("people.csv", "p-sue", title="VP Support")
    return org


@pytest.fixture
def loaded(tmp_path, open_store):
    store = open_store()
    load(store, with_rule().write(tmp_path / "before"))
    return store


def test_people_missing_from_a_snapshot_are_kept_as_left(tmp_path, loaded):
    done = load(loaded, reorganised().write(tmp_path / "after", files=["people.csv"]))
    people = loaded.read().people
    assert people["p-max"].status is Status.LEFT and people["p-ann"].status is Status.LEFT
    assert people["p-max"].source.row == 10  # where they were last seen
    assert "people.csv: 2 people of the current org are not in it; kept as left" in done.notes


def test_the_diff_names_joiners_leavers_movers_and_title_changes(tmp_path, loaded):
    d = load(loaded, reorganised().write(tmp_path / "after", files=["people.csv"])).diff
    assert [p.id for p in d.joiners] == ["p-nia"]
    assert [p.id for p in d.leavers] == ["p-ann", "p-max"]
    assert [(c.person.id, c.field, c.old, c.new) for c in d.moves] == [("p-dan", "department", "d-tier2", "d-support")]
    assert [(c.person.id, c.old, c.new) for c in d.title_changes] == [("p-sue", "Head of Support", "VP Support")]
    assert [(c.person.id, c.old, c.new) for c in d.status_changes] == [("p-bob", "active", "absent")]
    assert d.summary() == (
        "1 joiner, 2 leavers, 1 mover, 1 title change, 1 status change, 0 other changes; 4 routing consequences"
    )


def test_the_diff_names_the_routing_consequences_of_leavers(tmp_path, loaded):
    d = load(loaded, reorganised().write(tmp_path / "after", files=["people.csv"])).diff
    assert [(c.kind, c.id, c.leaver.id) for c in d.consequences] == [
        (Kind.RULE, "r-billing", "p-ann"),
        (Kind.RULE, "r-refund", "p-ann"),
        (Kind.ACCOUNT, "acc-deals", "p-max"),
        (Kind.ACCOUNT, "acc-help", "p-max"),
    ]
    assert d.consequences[2].message == (
        "account @AcmeDeals (acc-deals) escalates to person:p-max: Max Müller (p-max) has left"
    )
    lines = d.lines()
    assert "Routing consequences (4):" in lines
    assert "  rule r-refund (it-refund on the organisation) goes to person:p-ann: Ann Lee (p-ann) has left" in lines


def test_a_dry_run_shows_the_diff_and_changes_nothing(tmp_path, loaded):
    before = loaded.read()
    done = load(loaded, reorganised().write(tmp_path / "after", files=["people.csv"]), dry_run=True)
    assert done.applied is None and done.problems == []
    assert [p.id for p in done.diff.leavers] == ["p-ann", "p-max"]
    assert loaded.read() is before and loaded.read().version == 1


def test_a_dry_run_of_a_broken_file_returns_problems_and_diff(tmp_path, loaded):
    broken = reorganised().change("people.csv", "p-nia", manager_id="p-ghost")
    done = load(loaded, broken.write(tmp_path / "after", files=["people.csv"]), dry_run=True)
    assert [str(p) for p in done.problems] == ["people.csv:9 [manager_id]: unknown person 'p-ghost'"]
    assert [p.id for p in done.diff.joiners] == ["p-nia"]
    with pytest.raises(BundleRefused):
        load(loaded, tmp_path / "after")
    assert loaded.read().version == 1


def test_loading_the_same_snapshot_again_changes_nobody(tmp_path, loaded):
    done = load(loaded, with_rule().write(tmp_path / "again", files=["people.csv"]))
    assert done.diff.empty and not done.diff.consequences


def test_someone_back_after_leaving_is_a_joiner(tmp_path, loaded):
    load(loaded, reorganised().write(tmp_path / "after", files=["people.csv"]))
    d = load(loaded, with_rule().write(tmp_path / "back", files=["people.csv"])).diff
    assert [p.id for p in d.joiners] == ["p-ann", "p-max"]
    assert [p.id for p in d.leavers] == ["p-nia"]


def test_a_manager_who_left_is_still_found_by_the_people_reporting_to_them(tmp_path, loaded):
    org = with_rule()
    org.rows["people.csv"] = [r for r in org.rows["people.csv"] if r["id"] != "p-mia"]  # Max still reports to Mia
    done = load(loaded, org.write(tmp_path / "after", files=["people.csv"]))
    assert done.applied is not None
    assert loaded.read().people["p-max"].manager_id == "p-mia"
    assert "  department Marketing (d-mkt): head Mia Moreau (p-mia) has left" in done.diff.lines()


def test_an_hr_export_keeps_who_is_public_since_it_cannot_say(tmp_path, loaded):
    export = tmp_path / "bamboohr.csv"
    rows = [("p-cora", "Cora", "Chen", "CEO", ""), ("p-omar", "Omar", "Ortiz", "COO", "p-cora")]
    write_csv(export, ("employeeNumber", "firstName", "lastName", "jobTitle", "supervisorEId"), rows)
    load(loaded, export)
    people = loaded.read().people
    assert people["p-cora"].public and people["p-omar"].public and not people["p-ann"].public


@pytest.fixture
def fresh(request, backend, open_store):
    """An empty store of ``backend``."""
    if backend == "neo4j":
        return request.getfixturevalue("neo4j_server").fresh()
    return focused_if(backend, open_store())


def small_org() -> OrgBuilder:
    return (
        OrgBuilder()
        .department("d-co", "Co", head="p-cora")
        .person("p-cora", "Cora Chen", department="d-co")
        .person("p-dan", "Dan Diaz", department="d-co", manager="p-cora")
    )


def test_the_first_load_into_the_demo_org_replaces_all_of_it(tmp_path, fresh):
    apply_bundle(fresh, seed.FOLDER, actor=DEMO_ACTOR)  # as `buckstop serve` loads it
    demo = fresh.read(WHOLE)
    ours = small_org().write(tmp_path / "ours")

    dry = load(fresh, ours, dry_run=True)
    assert dry.notes[0] == (
        f"the store holds the demo org ({len(demo):,} records): a load replaces it whole, every kind, "
        "not only these files'"
    )
    assert (len(dry.diff.joiners), dry.diff.leavers, dry.problems) == (2, (), [])
    assert fresh.read(WHOLE).version == demo.version  # a dry run changes nothing

    done = load(fresh, ours, actor="hr")
    assert [p.id for p in done.diff.joiners] == ["p-cora", "p-dan"]
    assert done.diff.leavers == ()  # the demo's 57 people are gone, not leavers of our org
    org = fresh.read(WHOLE)
    assert sorted(r.id for r in org.records()) == ["d-co", "p-cora", "p-dan"]  # accounts, rules… of the demo too
    assert fresh.changes(1)[0].summary == "bundle ours: 1 department, 2 person; replaced the demo org; 2 joiners"
    assert not holds_demo(fresh)

    later = small_org()
    later.rows["people.csv"] = [r for r in later.rows["people.csv"] if r["id"] != "p-dan"]
    again = load(fresh, later.write(tmp_path / "later", files=["people.csv"]), actor="hr")
    assert not any("demo" in n for n in again.notes)  # an ordinary load now
    assert [p.id for p in again.diff.leavers] == ["p-dan"]
    assert "d-co" in fresh.read(WHOLE).departments  # kinds without a file are kept again


def test_an_hr_export_into_the_demo_org_matches_nothing_of_the_demo(tmp_path, fresh):
    apply_bundle(fresh, seed.FOLDER, actor=DEMO_ACTOR)
    demo = fresh.read(WHOLE)
    export = write_sample("BambooHR", tmp_path / "hr", departments=False) / "people.csv"
    done = load(fresh, export, actor="hr")
    assert done.diff.leavers == ()
    org = fresh.read(WHOLE)
    assert sorted(org.people) == [p.id for p in PEOPLE]
    # "Customer Support", "Operations" and "Marketing" are departments of the demo too: not reused
    assert sorted(org.departments) == ["dept-customer-support", "dept-executive", "dept-marketing", "dept-operations"]
    assert org.people["1004"].department_id == "dept-customer-support"  # the demo's is dept-support
    assert all(d.parent_id is None and d.head_id is None for d in org.departments.values())
    assert demo.departments["dept-marketing"].parent_id == "dept-commercial"  # the demo's, gone
    assert not org.accounts and not org.rules
