"""What the gateway remembers of identity's answers, and when it stops."""

import datetime as dt

from gateway.auth import KnownSessions

NOW = dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.timezone.utc)


def answer(employee_id="e1", ends=NOW + dt.timedelta(hours=12)):
    return {"id": employee_id, "role": "owner", "session_expires_at": ends.timestamp()}


def test_an_answer_is_remembered_until_its_session_ends():
    known = KnownSessions()
    known.put("t1", answer(ends=NOW + dt.timedelta(minutes=1)), known.generation)
    assert known.get("t1", NOW)["id"] == "e1"
    assert known.get("t1", NOW + dt.timedelta(minutes=1)) is None


def test_and_no_longer_than_the_cache_allows():
    clock = [1000.0]
    known = KnownSessions(seconds=30, timer=lambda: clock[0])
    known.put("t1", answer(), known.generation)
    clock[0] += 29
    assert known.get("t1", NOW)["id"] == "e1"
    clock[0] += 2
    assert known.get("t1", NOW) is None


def test_forgetting_an_employee_drops_all_their_tokens_and_only_theirs():
    known = KnownSessions()
    for token, employee in (("t1", "e1"), ("t2", "e1"), ("t3", "e2")):
        known.put(token, answer(employee), known.generation)
    known.forget("e1")
    assert known.get("t1", NOW) is None and known.get("t2", NOW) is None
    assert known.get("t3", NOW)["id"] == "e2"


def test_an_answer_asked_for_before_a_forget_is_not_remembered_after_it():
    """A request that asked identity just before a sign-out must not store the stale answer."""
    known = KnownSessions()
    generation = known.generation  # the request asks identity...
    known.forget("e1")  # ...meanwhile the employee signs out
    known.put("t1", answer("e1"), generation)
    assert known.get("t1", NOW) is None


def test_the_memory_is_bounded():
    known = KnownSessions(size=2)
    for token in ("t1", "t2", "t3"):
        known.put(token, answer(), known.generation)
    assert sum(known.get(token, NOW) is not None for token in ("t1", "t2", "t3")) <= 2


def test_forgetting_one_employee_does_not_spoil_answers_about_another():
    known = KnownSessions()
    generation = known.generation  # a request for e2 asks identity...
    known.forget("e1")  # ...while e1 signs out
    known.put("t2", answer("e2"), generation)
    assert known.get("t2", NOW)["id"] == "e2"


def test_an_expired_entry_is_dropped_from_its_employee_too():
    known = KnownSessions()
    known.put("t1", answer(ends=NOW + dt.timedelta(minutes=1)), known.generation)
    assert known.get("t1", NOW + dt.timedelta(hours=1)) is None
    known.forget("e1")  # nothing left to drop, and no error
    assert known.get("t1", NOW) is None


def test_an_employee_pushed_out_of_a_full_memory_takes_their_answers_along():
    """Else a later forget of that employee would miss answers still remembered."""
    known = KnownSessions(size=2)
    known.put("t1", answer("e1"), known.generation)
    known.put("t2", answer("e2"), known.generation)
    known.put("t3", answer("e3"), known.generation)  # e1 is pushed out of the employees' index
    assert known.get("t1", NOW) is None
    assert known.get("t3", NOW)["id"] == "e3"
