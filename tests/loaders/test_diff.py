"""The diff of two orgs: people changes in id order, long sections cut short with a count."""

from __future__ import annotations

from dataclasses import fields, replace

from buckstop.graph.model import Person, Status
from buckstop.graph.org import Org
from buckstop.loaders.diff import diff


def test_a_first_load_is_all_joiners_and_lines_are_capped():
    after = Org([Person(f"p{i:02}", f"Person {i}") for i in range(25)])
    d = diff(Org(), after)
    assert len(d.joiners) == 25 and not d.consequences
    lines = d.lines(limit=3)
    assert lines == [
        "25 joiners, 0 leavers, 0 movers, 0 title changes, 0 status changes, 0 other changes; 0 routing consequences",
        "Joiners (25):",
        "  Person 0 (p00)",
        "  Person 1 (p01)",
        "  Person 2 (p02)",
        "  … and 22 more",
    ]


def test_someone_already_gone_is_not_a_leaver_again():
    gone = Person("p1", "Ann", status=Status.LEFT)
    assert diff(Org([gone]), Org([gone])).empty


def test_a_new_manager_is_a_move_and_an_unchanged_person_is_not():
    before = Org([Person("p1", "Ann"), Person("p2", "Bob"), Person("p3", "Cy", manager_id="p1")])
    after = Org([Person("p1", "Ann"), Person("p2", "Bob"), Person("p3", "Cy", manager_id="p2")])
    d = diff(before, after)
    assert [(c.person.id, c.field, c.old, c.new) for c in d.moves] == [("p3", "manager", "p1", "p2")]
    assert [p.id for p in d.movers] == ["p3"]


def test_a_rename_a_new_email_and_every_other_column_are_other_changes():
    before = Org([Person("p1", "Grace Hopper", email="grace@acme.test"), Person("p2", "Bob", phone="1")])
    after = Org(
        [
            Person("p1", "Grâce Höpper", email="g.hopper@acme.test"),
            Person("p2", "Bob", phone="2", location="Oslo", public=True),
        ]
    )
    d = diff(before, after)
    assert [(c.person.id, c.field, c.old, c.new) for c in d.other_changes] == [
        ("p1", "name", "Grace Hopper", "Grâce Höpper"),
        ("p1", "email", "grace@acme.test", "g.hopper@acme.test"),
        ("p2", "public", "no", "yes"),
        ("p2", "phone", "1", "2"),
        ("p2", "location", None, "Oslo"),
    ]
    assert not d.empty
    assert d.summary().endswith("0 status changes, 5 other changes; 0 routing consequences")
    assert d.brief() == "5 other changes"
    lines = d.lines()
    assert "Other changes (5):" in lines
    assert "  Grâce Höpper (p1): name Grace Hopper → Grâce Höpper" in lines


def test_every_column_of_a_person_is_in_some_section_of_the_diff():
    # A column added to Person must show in the diff, or a change to it is applied unseen.
    changed = Person("p1", "B", email="b", title="b", department_id="b", manager_id="b", status=Status.ABSENT)
    changed = replace(changed, public=True, phone="b", location="b")
    d = diff(Org([Person("p1", "A")]), Org([changed]))
    shown = {c.field for c in (*d.moves, *d.title_changes, *d.status_changes, *d.other_changes)}
    columns = {f.name for f in fields(Person) if f.compare and f.name != "id"}
    assert shown == (columns - {"department_id", "manager_id"}) | {"department", "manager"}
