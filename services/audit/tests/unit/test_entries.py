"""The audit log's store: an event kept once however often it comes, newest first with a cursor that
does not skip entries of the same second, the actor named from the people kept, and the retention."""

import datetime as dt

import pytest
from sqlalchemy.orm import sessionmaker

from portal_common import migrate
from portal_common.db import make_engine
from portal_common.errors import ValidationFailed
from portal_common.events import ACTIVITY_RECORDED, checked, iso
from tests.harness import ROOT

from audit.adapters.orm import outbox
from audit.adapters.unit_of_work import AuditUnitOfWork
from audit.usecases import entries, people

NOW = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.timezone.utc)
CALLER = {"partner_id": "p1"}


@pytest.fixture
def uow(tmp_path):
    uri = f"sqlite:///{tmp_path / 'audit.db'}"
    migrate.upgrade(ROOT / "services" / "audit", uri)
    engine = make_engine(uri)
    yield AuditUnitOfWork(sessionmaker(bind=engine, expire_on_commit=False), outbox)
    engine.dispose()


def activity(when, target_id="t1", actor="e1", activity_type="computer.added", partner_id="p1"):
    event_type = ACTIVITY_RECORDED["accounts"]
    return checked(
        event_type,
        event_type.envelope(
            target_id,
            1,
            when,
            actor,
            "req-1",
            partner_id=partner_id,
            type=activity_type,
            target_kind="computer",
            target_name="PC-1",
            summary="Added workstation PC-1 to Contoso",
        ),
    )


def page(uow, **query):
    return entries.list_entries(uow, CALLER, {"limit": 50, "cursor": None, **query})


def test_an_event_that_comes_twice_is_one_entry(uow):
    event = activity(NOW)
    entries.keep(uow, [event])
    entries.keep(uow, [event])
    (entry,) = page(uow)["items"]
    assert entry["id"] == event["event_id"] and entry["occurred_at"] == NOW
    assert entry["target"] == {"kind": "computer", "id": "t1", "name": "PC-1"}
    assert entry["request_id"] == "req-1"


def test_the_actor_is_named_from_identity_events_whenever_they_arrive_and_kept_after_removal(uow):
    entries.keep(uow, [activity(NOW)])
    assert page(uow)["items"][0]["actor"] == {"id": "e1", "name": None, "email": None}
    people.track(uow, employee(1, "Ada", "ada@example.com"))
    people.track(uow, employee(3, "Ada Lovelace", "ada@example.com"))
    people.track(uow, employee(2, "Ada Old", "old@example.com"))  # late: changes nothing
    assert page(uow)["items"][0]["actor"] == {"id": "e1", "name": "Ada Lovelace", "email": "ada@example.com"}


def test_an_actor_is_named_only_beside_their_own_partners_entries(uow):
    entries.keep(uow, [activity(NOW, actor="e9", partner_id="p1")])
    people.track(uow, employee(1, "Eve Elsewhere", "eve@other.example", person_id="e9", partner_id="p2"))
    assert page(uow)["items"][0]["actor"] == {"id": "e9", "name": None, "email": None}


def employee(version, name, email, person_id="e1", partner_id="p1"):
    return {"id": person_id, "version": version, "partner_id": partner_id, "name": name, "email": email}


def test_what_the_system_did_has_no_actor(uow):
    entries.keep(uow, [activity(NOW, actor=None, activity_type="subscription.renewed")])
    assert page(uow)["items"][0]["actor"] is None


def test_pages_walk_newest_first_through_entries_of_the_same_second(uow):
    kept = [activity(NOW - dt.timedelta(seconds=number // 3), target_id=f"t{number}") for number in range(10)]
    for event in kept:
        entries.keep(uow, [event])
    seen, cursor = [], None
    while True:
        answer = page(uow, limit=4, cursor=cursor)
        seen += answer["items"]
        cursor = answer["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == 10 and len({entry["id"] for entry in seen}) == 10
    assert [(entry["occurred_at"], entry["id"]) for entry in seen] == sorted(
        ((entry["occurred_at"], entry["id"]) for entry in seen), reverse=True
    )


def test_filters_and_other_partners(uow):
    entries.keep(uow, [activity(NOW, target_id="a", actor="e1", activity_type="computer.added")])
    entries.keep(uow, [activity(NOW, target_id="b", actor="e2", activity_type="computer.removed")])
    entries.keep(uow, [activity(NOW, target_id="c", partner_id="p2")])
    assert [entry["target"]["id"] for entry in page(uow, type="computer.removed")["items"]] == ["b"]
    assert [entry["target"]["id"] for entry in page(uow, actor_id="e1")["items"]] == ["a"]
    assert [entry["target"]["id"] for entry in page(uow, target_id="c")["items"]] == []
    assert page(uow, since=NOW + dt.timedelta(seconds=1))["items"] == []
    assert len(page(uow, until=NOW)["items"]) == 2


@pytest.mark.parametrize(
    "cursor",
    [
        "YWZ0ZXI6bm90LWEtdGltZXxpZA",  # after:not-a-time|id
        "WyIyMDI2LTEyLTAyVDA5OjAwOjAwIiwgImlkIl0",  # ["2026-12-02T09:00:00", "id"]: no time zone
    ],
)
def test_a_cursor_this_api_did_not_give_is_refused(uow, cursor):
    with pytest.raises(ValidationFailed):
        page(uow, cursor=cursor)


def test_entries_older_than_the_cutoff_are_forgotten_in_batches(uow, monkeypatch):
    monkeypatch.setattr(entries, "SWEEP_BATCH", 3)
    for days in range(10):
        entries.keep(uow, [activity(NOW - dt.timedelta(days=days * 100), target_id=f"t{days}")])
    assert entries.forget_older_than(uow, NOW - dt.timedelta(days=400)) == 5
    assert {entry["target"]["id"] for entry in page(uow)["items"]} == {f"t{days}" for days in range(5)}
    assert iso(page(uow)["items"][-1]["occurred_at"]) == iso(NOW - dt.timedelta(days=400))


def test_events_that_came_together_are_kept_in_one_transaction_each_once(uow, monkeypatch):
    kept_before, twice, other = activity(NOW, target_id="a"), activity(NOW, target_id="b"), activity(NOW, target_id="c")
    entries.keep(uow, [kept_before])
    commits = []
    commit = AuditUnitOfWork.commit
    monkeypatch.setattr(AuditUnitOfWork, "commit", lambda self: commits.append(1) or commit(self))
    entries.keep(uow, [kept_before, twice, other, twice])
    assert commits == [1]
    assert sorted(entry["target"]["id"] for entry in page(uow)["items"]) == ["a", "b", "c"]


def test_when_another_instance_kept_one_meanwhile_the_others_are_kept_each_on_its_own(uow, monkeypatch):
    first, second = activity(NOW, target_id="a"), activity(NOW, target_id="b")
    entries.keep(uow, [first])
    with uow:  # as a twin that has not seen the first entry yet would find it
        monkeypatch.setattr(type(uow.entries), "ids_among", lambda self, ids: set())
    entries.keep(uow, [first, second])
    assert sorted(entry["target"]["id"] for entry in page(uow)["items"]) == ["a", "b"]
