"""The diff of two orgs: people changes in id order, long sections cut short with a count."""

from __future__ import annotations

from buckstop.graph.model import Person, Status
from buckstop.graph.org import Org
from buckstop.loaders.diff import diff


def test_a_first_load_is_all_joiners_and_lines_are_capped():
    after = Org([Person(f"p{i:02}", f"Person {i}") for i in range(25)])
    d = diff(Org(), after)
    assert len(d.joiners) == 25 and not d.consequences
    lines = d.lines(limit=3)
    assert lines == [
        "25 joiners, 0 leavers, 0 movers, 0 title changes, 0 status changes; 0 routing consequences",
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
