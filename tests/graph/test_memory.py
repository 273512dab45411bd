"""The memory backend in its SQLite file: durability, other processes, crashes, concurrent readers, disk faults.

The disk faults are real: a full disk is a small tmpfs, a read-only file one seen
through a read-only bind mount. Mounting needs root (chmod does not stop root);
without it those tests skip, saying why -- except under CI, where they fail.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
from contextlib import closing
from pathlib import Path

import pytest

from buckstop.graph import BundleRefused, ChangeSet, MemoryStore
from buckstop.graph.errors import StoreUnavailable
from buckstop.graph.model import Kind, Person
from buckstop.graph.tokens import Scope, Token, digest, now
from buckstop.loaders import apply_bundle
from buckstop.queries import route

from tests.disks import fill, fingerprint, integrity, read_only_view, tmpfs
from tests.orgs import DAY, OrgBuilder, acme, ids

ROOT = Path(__file__).resolve().parents[2]


def records_of(store: MemoryStore) -> dict[Kind, dict[str, object]]:
    org = store.read()
    return {kind: dict(org.of_kind(kind)) for kind in Kind}


def billing_to(target: str) -> OrgBuilder:
    return acme().rule("r-billing", "it-billing", "organization", target)


def who_handles_billing(store: MemoryStore) -> list[str]:
    return ids(route(store, "@AcmeHelp", "billing", on=DAY).handlers)


# -- durability ------------------------------------------------------------------


def test_reopening_the_file_gives_the_same_org(tmp_path, open_store):
    org = billing_to("role:role-billing").absence("p-ann", DAY, DAY, delegate="p-dan")
    first = open_store()
    apply_bundle(first, org.write(tmp_path / "bundle"))
    before = records_of(first)
    first.close()
    again = open_store()
    assert again.read().version == 1
    assert records_of(again) == before
    assert again.read().people["p-ann"].source == before[Kind.PERSON]["p-ann"].source
    assert who_handles_billing(again) == ["p-bob", "p-dan"]


def test_the_file_keeps_a_log_of_changes(tmp_path, open_store):
    store = open_store()
    apply_bundle(store, acme().write(tmp_path / "bundle"), actor="hr@acme")
    store.apply(ChangeSet.of([], kinds=[Kind.ABSENCE]), actor="ops", summary="clear absences")
    with closing(sqlite3.connect(tmp_path / "org.db")) as db:
        log = db.execute("SELECT version, actor, summary, records FROM changes ORDER BY version").fetchall()
    assert log[0][:2] == (1, "hr@acme") and log[0][2].startswith("bundle bundle: ")
    assert log[1] == (2, "ops", "clear absences", 0)


def test_a_refused_change_leaves_the_file_as_it_was(tmp_path, open_store):
    store = open_store()
    apply_bundle(store, billing_to("person:p-ann").write(tmp_path / "good"))
    bad = billing_to("person:p-ghost").write(tmp_path / "bad")
    with pytest.raises(BundleRefused):
        apply_bundle(store, bad)
    store.close()
    reopened = open_store()
    assert reopened.read().version == 1
    assert who_handles_billing(reopened) == ["p-ann"]


def test_an_in_memory_store_needs_no_file(tmp_path):
    store = MemoryStore()
    try:
        apply_bundle(store, acme().write(tmp_path / "bundle"))
        assert store.read().version == 1
    finally:
        store.close()
    assert not list(tmp_path.glob("*.db"))


def test_a_file_that_cannot_be_opened_is_store_unavailable(tmp_path):
    (tmp_path / "org.db").mkdir()
    with pytest.raises(StoreUnavailable, match="cannot open the store file"):
        MemoryStore(tmp_path / "org.db")


def test_ready_is_false_once_closed(open_store):
    store = open_store()
    assert store.ready()
    store.close()
    assert not store.ready()


# -- other processes -----------------------------------------------------------------


def test_a_change_made_through_another_store_is_seen_after_refresh(tmp_path, open_store):
    reader = open_store(refresh_seconds=0)
    writer = open_store()
    apply_bundle(writer, billing_to("person:p-ann").write(tmp_path / "one"))
    assert who_handles_billing(reader) == ["p-ann"]
    apply_bundle(writer, billing_to("person:p-bob").write(tmp_path / "two"), actor="second")
    assert reader.read().version == 2
    assert who_handles_billing(reader) == ["p-bob"]


def test_a_store_keeps_its_org_until_its_refresh_is_due(tmp_path, open_store):
    patient = open_store(refresh_seconds=3600)
    writer = open_store()
    apply_bundle(writer, acme().write(tmp_path / "bundle"))
    assert patient.read().empty


def test_apply_checks_against_the_newest_org_in_the_file(tmp_path, open_store):
    stale = open_store(refresh_seconds=3600)
    writer = open_store()
    apply_bundle(writer, acme().write(tmp_path / "bundle"))
    # stale has not seen the load yet; its change must be checked against (and keep) what is in the file
    applied = stale.apply(ChangeSet.of([], kinds=[Kind.ABSENCE]))
    assert applied.version == 2
    assert set(applied.after.people) == set(writer.read().people)


# -- crashes -------------------------------------------------------------------------

# The child applies a large change set (every kind replaced: 20 000 people, every
# other kind emptied) and stalls once most records are written: the transaction is
# open, the old rows deleted, pages spilled to the write-ahead log. It says so on
# stdout, and the test kills it there with SIGKILL.
CHILD = textwrap.dedent(
    """
    import sys, time
    import buckstop.graph.memory as memory_module
    from buckstop.graph import ChangeSet, MemoryStore
    from buckstop.graph.model import Kind, Person

    real_dumps = memory_module.dumps
    written = 0

    def stalling_dumps(record):
        global written
        written += 1
        if written == 15_000:
            print("mid-transaction", flush=True)
            time.sleep(600)
        return real_dumps(record)

    memory_module.dumps = stalling_dumps
    store = MemoryStore(sys.argv[1])
    people = [Person(f"p{i:05}", f"Person {i}", title="x" * 300) for i in range(20_000)]
    print("applying", flush=True)
    store.apply(ChangeSet.of(people, kinds=list(Kind)))
    """
)


@pytest.mark.slow
def test_a_load_killed_mid_transaction_leaves_the_previous_org(tmp_path, open_store):
    path = tmp_path / "org.db"
    store = open_store(refresh_seconds=0)
    apply_bundle(store, billing_to("person:p-ann").write(tmp_path / "bundle"))
    before = records_of(store)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with subprocess.Popen(
        [sys.executable, "-c", CHILD, str(path)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as child:
        try:
            said = child.stdout.readline() + child.stdout.readline()
            assert said == "applying\nmid-transaction\n", child.stderr.read()  # read only if it died
            # while the child holds its transaction open, readers still see the previous org
            assert store.read().version == 1
            assert who_handles_billing(store) == ["p-ann"]
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait()
    assert child.returncode == -signal.SIGKILL
    reopened = open_store("org.db")
    assert reopened.read().version == 1
    assert records_of(reopened) == before
    assert who_handles_billing(reopened) == ["p-ann"]
    # and the file takes the next load
    apply_bundle(reopened, billing_to("person:p-bob").write(tmp_path / "next"))
    assert who_handles_billing(reopened) == ["p-bob"]


# -- concurrent readers ----------------------------------------------------------------


def answer_of(store: MemoryStore) -> tuple[int, tuple[object, ...]]:
    answer = route(store, "@AcmeHelp", "billing", on=DAY)
    escalation = tuple(step.person.id for step in answer.escalation)
    return answer.org.version, (answer.rule.id, ids(answer.handlers), escalation, answer.explanation)


def two_versions(tmp_path, open_store) -> tuple[list[Path], list[tuple[object, ...]]]:
    """Bundle folders of versions A and B of the org, and the answer each gives.

    A and B differ in two files: B routes billing to Bob *and* moves Bob under Omar.
    A reader who saw B's rule with A's people would get an answer matching neither.
    """
    version_a = billing_to("person:p-ann")
    version_b = billing_to("person:p-bob").change("people.csv", "p-bob", manager_id="p-omar")
    folders = [version_a.write(tmp_path / "a"), version_b.write(tmp_path / "b")]
    expected = []
    for n, folder in enumerate(folders):
        alone = open_store(f"alone-{n}.db")
        apply_bundle(alone, folder)
        expected.append(answer_of(alone)[1])
    assert expected[0] != expected[1]
    return folders, expected


@pytest.mark.parametrize("reader_kind", ["same store", "second store on the file"])
def test_readers_always_see_one_whole_version_while_loads_run(tmp_path, open_store, reader_kind):
    folders, expected = two_versions(tmp_path, open_store)
    writer = open_store(refresh_seconds=0)
    apply_bundle(writer, folders[0])  # version 1 is A; odd versions are A, even ones B
    reader = writer if reader_kind == "same store" else open_store("org.db", refresh_seconds=0)
    answers: list[tuple[int, tuple[object, ...]]] = []
    done = threading.Event()
    errors: list[BaseException] = []

    def read_until_done() -> None:
        try:
            while not done.is_set():
                answers.append(answer_of(reader))
        except BaseException as err:
            errors.append(err)

    thread = threading.Thread(target=read_until_done)
    thread.start()
    try:
        for load in range(20):
            apply_bundle(writer, folders[(load + 1) % 2])
            seen = len(answers)
            while len(answers) < seen + 3 and thread.is_alive():  # let the reader ask between loads
                done.wait(0.001)
    finally:
        done.set()
        thread.join()
    assert not errors
    assert len(answers) > 40
    for version, answer in answers:
        assert answer == expected[(version + 1) % 2], f"version {version} answered {answer}"
    assert {version for version, _ in answers} >= {1, 21}


# The child applies the two bundle folders it is given in turn, as fast as it can.
ALTERNATE = textwrap.dedent(
    """
    import sys
    from buckstop.graph import MemoryStore
    from buckstop.loaders import apply_bundle

    store = MemoryStore(sys.argv[1])
    for load in range(int(sys.argv[2])):
        apply_bundle(store, sys.argv[3 + (load + 1) % 2])
    """
)


@pytest.mark.slow
def test_readers_see_one_whole_version_while_another_process_loads(tmp_path, open_store):
    folders, expected = two_versions(tmp_path, open_store)
    reader = open_store(refresh_seconds=0)
    apply_bundle(reader, folders[0])  # version 1 is A; odd versions are A, even ones B
    answers = []
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-c", ALTERNATE, str(tmp_path / "org.db"), "100", *map(str, folders)]
    with subprocess.Popen(command, cwd=ROOT, env=env) as child:
        while child.poll() is None:
            answers.append(answer_of(reader))
    assert child.returncode == 0
    answers.append(answer_of(reader))
    assert answers[-1][0] == 101
    mismatched = [(version, answer) for version, answer in answers if answer != expected[(version + 1) % 2]]
    assert not mismatched, f"{len(mismatched)} of {len(answers)} answers match no version, e.g. {mismatched[0]}"


# -- faults of the disk ----------------------------------------------------------------


def too_big() -> ChangeSet:
    """A whole new org of about 2 MB of people (every other kind emptied): more than a 1 MB disk holds."""
    return ChangeSet.of([Person(f"p{i:05}", f"Person {i}", title="x" * 300) for i in range(6_000)], kinds=list(Kind))


@pytest.mark.slow
@pytest.mark.parametrize(
    ("leave_kib", "sqlite_says"),
    [(4, "SQLITE_FULL"), (16, "SQLITE_IOERR_SHMSIZE")],  # with 16 KiB free, SQLite can start but not grow -shm
)
def test_a_new_store_on_a_full_disk_says_the_disk_is_full(tmp_path, leave_kib, sqlite_says):
    with tmpfs(tmp_path / "disk", "1m") as disk:
        fill(disk, leave_kib)
        with pytest.raises(StoreUnavailable, match=r"^the disk holding the store file '.*org.db' is full") as caught:
            MemoryStore(disk / "org.db")
        assert caught.value.__cause__.sqlite_errorname == sqlite_says
        assert str(caught.value).endswith("bytes free); free some space and try again")
        assert list(disk.glob("org.db*")) == []  # not left behind, to be refused as an empty file next time


@pytest.mark.slow
def test_a_change_that_does_not_fit_on_the_disk_changes_nothing(tmp_path):
    with tmpfs(tmp_path / "disk", "1m") as disk:
        store = MemoryStore(disk / "org.db", refresh_seconds=0)
        try:
            apply_bundle(store, billing_to("person:p-ann").write(tmp_path / "bundle"))
            before = records_of(store)
            with pytest.raises(StoreUnavailable, match=r"^the disk holding .* is full .*: nothing was changed; free"):
                store.apply(too_big())
            assert store.read().version == 1
            assert records_of(store) == before
            assert store.apply(ChangeSet.of([], kinds=[Kind.ABSENCE])).version == 2  # what fits still goes in
        finally:
            store.close()
        assert integrity(disk / "org.db") == "ok"
        again = MemoryStore(disk / "org.db")
        try:
            assert again.read().version == 2
            assert who_handles_billing(again) == ["p-ann"]
        finally:
            again.close()


@pytest.mark.slow
def test_a_read_only_file_answers_and_refuses_every_change(tmp_path):
    writable = tmp_path / "rw"
    writable.mkdir()
    store = MemoryStore(writable / "org.db")
    apply_bundle(store, billing_to("person:p-ann").write(tmp_path / "bundle"))
    token = Token("reader", Scope.READ, digest("secret"), now())
    store.add_token(token)
    store.close()
    before = fingerprint(writable)
    assert list(before) == ["org.db"]  # closing the last store takes the log into the file
    with read_only_view(writable, tmp_path / "ro") as view:
        read_only = MemoryStore(view / "org.db", refresh_seconds=0)
        try:
            assert read_only.read_only == "its file system is mounted read-only"
            assert who_handles_billing(read_only) == ["p-ann"]
            assert read_only.token(token.digest) == token
            assert read_only.ready()
            refusal = r"^the store file '.*ro/org.db' is read-only \(its file system is mounted read-only\): nothing"
            with pytest.raises(StoreUnavailable, match=refusal):
                apply_bundle(read_only, billing_to("person:p-bob").write(tmp_path / "next"))
            with pytest.raises(StoreUnavailable, match=refusal):
                read_only.add_token(Token("writer", Scope.ADMIN, digest("other"), now()))
            with pytest.raises(StoreUnavailable, match=refusal):
                read_only.revoke_token("reader")
            assert who_handles_billing(read_only) == ["p-ann"]
        finally:
            read_only.close()
        with pytest.raises(StoreUnavailable, match=r"cannot open the store file '.*new.db': its file system is mou"):
            MemoryStore(view / "new.db")  # nor can a new store be made there
    assert fingerprint(writable) == before


@pytest.mark.slow
def test_a_read_only_view_of_a_store_in_use_follows_its_changes(tmp_path, open_store):
    writer = open_store("rw/org.db")  # open, so its log and index stay beside the file
    apply_bundle(writer, billing_to("person:p-ann").write(tmp_path / "one"))
    with read_only_view(tmp_path / "rw", tmp_path / "ro") as view:
        reader = MemoryStore(view / "org.db", refresh_seconds=0)
        try:
            assert reader.read_only and who_handles_billing(reader) == ["p-ann"]
            apply_bundle(writer, billing_to("person:p-bob").write(tmp_path / "two"))
            assert reader.read().version == 2
            assert who_handles_billing(reader) == ["p-bob"]
        finally:
            reader.close()


@pytest.mark.slow
def test_a_read_only_file_whose_log_holds_changes_is_refused_not_read_stale(tmp_path, open_store):
    writer = open_store("rw/org.db")
    apply_bundle(writer, billing_to("person:p-ann").write(tmp_path / "bundle"))  # in the log, not yet in the file
    copy = tmp_path / "copy"
    copy.mkdir()
    for name in ("org.db", "org.db-wal"):  # the file and its log, without the index
        shutil.copy(tmp_path / "rw" / name, copy / name)
    stale = r"write-ahead log 'org.db-wal' holds changes not yet in it; open it once where it can be written"
    with read_only_view(copy, tmp_path / "ro") as view, pytest.raises(StoreUnavailable, match=stale):
        MemoryStore(view / "org.db")  # read immutable, it would answer from the file without them


def test_closing_a_store_checkpoints_its_log_into_the_file(tmp_path, open_store):
    reader = open_store(refresh_seconds=0)  # keeps the log open after the writer closes
    writer = open_store()
    apply_bundle(writer, billing_to("person:p-ann").write(tmp_path / "bundle"))
    writer.close()
    assert (tmp_path / "org.db-wal").stat().st_size == 0
    alone = tmp_path / "alone"
    alone.mkdir()
    shutil.copy(tmp_path / "org.db", alone / "org.db")  # the file alone, as a copy or a read-only medium has it
    copied = open_store("alone/org.db")
    assert copied.read().version == 1
    assert who_handles_billing(copied) == who_handles_billing(reader) == ["p-ann"]


def test_a_cases_table_made_before_climbs_gains_it_from_the_kept_cases(tmp_path):
    from datetime import UTC, datetime, timedelta

    from buckstop.queries.cases import escalate, open_case

    from tests.orgs import acme

    path = tmp_path / "org.db"
    store = MemoryStore(path)
    org = acme().change("issue_types.csv", "it-support", respond_within="30m", escalate_every="1h")
    apply_bundle(store, org.write(tmp_path / "bundle"))
    t0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    for n in range(2):
        open_case(store, "@AcmeHelp", f"refund {n}", actor="cli:ann", now=t0, issue_type="refund")
    escalate(store, 2, actor="cli:max", now=t0)
    escalate(store, 2, actor="cli:mia", now=t0)  # case 2 at the top of its chain
    store.close()
    with closing(sqlite3.connect(path)) as db:  # as a store kept before the column existed
        db.execute("DROP INDEX cases_climbing")
        db.execute("ALTER TABLE cases DROP COLUMN climbs")
        db.commit()
    store = MemoryStore(path)
    try:
        later = t0 + timedelta(days=1)
        assert [c.id for c in store.cases.find(due_by=later)] == [2, 1]
        assert [c.id for c in store.cases.find(due_by=later, climbing=True)] == [1]
    finally:
        store.close()
