"""The gateway's kept reads: at most half a second old, per partner and question, forgotten by the
partner's writes, never kept when a write raced the read that asked, and asked for once however
many requests miss them at the same moment."""

import types

import eventlet
import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from portal_common import request_context
from portal_common.errors import ValidationFailed

from gateway.read_cache import READ_CACHE_SECONDS, KeptReads, ReadCache, etag_of
from gateway.responses import kept_json_response


class Timer:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_an_answer_is_asked_for_once_then_kept_with_its_etag():
    kept = KeptReads(timer=Timer())
    asked = []

    def ask():
        asked.append(1)
        return '{"items":[]}'

    first = kept.answer("p1", ("accounts", "limit=50"), ask)
    again = kept.answer("p1", ("accounts", "limit=50"), ask)

    assert first == again == ('{"items":[]}', etag_of('{"items":[]}'))
    assert len(asked) == 1
    assert kept.answer("p1", ("accounts", "limit=10"), lambda: "other")[0] == "other"  # another question
    assert kept.answer("p2", ("accounts", "limit=50"), lambda: "theirs")[0] == "theirs"  # another partner


def test_an_answer_is_kept_no_longer_than_the_limit():
    timer = Timer()
    kept = KeptReads(timer=timer)
    kept.answer("p1", "overview", lambda: "old")

    timer.now += READ_CACHE_SECONDS / 2
    assert kept.answer("p1", "overview", lambda: "new")[0] == "old"
    timer.now += READ_CACHE_SECONDS
    assert kept.answer("p1", "overview", lambda: "new")[0] == "new"


def test_a_write_forgets_the_partners_answers_and_only_theirs():
    kept = KeptReads(timer=Timer())
    kept.answer("p1", "overview", lambda: "before")
    kept.answer("p2", "overview", lambda: "theirs")

    kept.forget("p1")

    assert kept.answer("p1", "overview", lambda: "after")[0] == "after"
    assert kept.answer("p2", "overview", lambda: "changed")[0] == "theirs"


def test_an_answer_asked_for_before_a_write_is_not_kept_after_it():
    kept = KeptReads(timer=Timer())

    def ask_while_a_write_lands():
        kept.forget("p1")
        return "from before the write"

    assert kept.answer("p1", "overview", ask_while_a_write_lands)[0] == "from before the write"
    assert kept.answer("p1", "overview", lambda: "after")[0] == "after"


def test_forgetting_more_partners_than_it_holds_forgets_every_answer():
    kept = KeptReads(size=2, timer=Timer())
    kept.answer("p3", "overview", lambda: "kept")
    for partner in ("p1", "p2", "p4"):
        kept.forget(partner)
    assert kept.answer("p3", "overview", lambda: "asked again")[0] == "asked again"


def test_requests_that_miss_at_once_share_one_call_and_its_error():
    kept, calls = KeptReads(timer=Timer()), []

    def slow(answer):
        def ask():
            calls.append(answer)
            eventlet.sleep(0.05)
            if isinstance(answer, Exception):
                raise answer
            return answer

        return ask

    pool = eventlet.GreenPool()
    answers = list(pool.imap(lambda _: kept.answer("p1", "overview", slow("one call")), range(20)))
    assert answers == [("one call", etag_of("one call"))] * 20 and calls == ["one call"]

    def bad(_):
        try:
            return kept.answer("p1", "bad query", slow(ValidationFailed("bad")))
        except ValidationFailed as exc:
            return exc.message

    assert list(pool.imap(bad, range(5))) == ["bad"] * 5
    assert calls.count("one call") == 1 and len(calls) == 2


def provider(config):
    cache = ReadCache()
    cache.container = types.SimpleNamespace(config=config)
    cache.setup()
    return cache


def test_the_setting_is_zero_to_two_seconds_and_zero_keeps_nothing():
    asked = []
    kept = provider({"READ_CACHE_SECONDS": "0"}).get_dependency(None)
    for _ in range(2):
        assert kept.answer("p1", "overview", lambda: asked.append(1) or "{}") == ("{}", etag_of("{}"))
    assert len(asked) == 2
    assert provider({}).kept.seconds == READ_CACHE_SECONDS
    for wrong in ("2.5", "-1"):
        with pytest.raises(ValueError, match="READ_CACHE_SECONDS"):
            provider({"READ_CACHE_SECONDS": wrong})


def worker(method, partner_id=None):
    data = {request_context.PARTNER_ID: partner_id} if partner_id else {}
    return types.SimpleNamespace(args=(types.SimpleNamespace(method=method),), data=data)


def test_a_partners_request_that_may_change_something_forgets_its_answers_and_a_read_does_not():
    cache = provider({})
    for partner in ("p1", "p2"):
        cache.kept.answer(partner, "overview", lambda: "kept")

    for read in ("GET", "HEAD"):
        cache.worker_result(worker(read, "p1"))
    cache.worker_result(worker("POST"))  # an agent's report, a sign-in: no employee of a partner
    assert cache.kept.answer("p1", "overview", lambda: "asked again")[0] == "kept"

    cache.worker_result(worker("DELETE", "p1"))
    assert cache.kept.answer("p1", "overview", lambda: "asked again")[0] == "asked again"
    assert cache.kept.answer("p2", "overview", lambda: "asked again")[0] == "kept"


@pytest.mark.parametrize("sent", ['"{tag}"', 'W/"{tag}"', '"other", "{tag}"', "*"])
def test_a_client_that_sends_the_etag_back_is_answered_304_with_no_body(sent):
    etag = etag_of('{"accounts":1}')
    request = Request(EnvironBuilder(headers={"If-None-Match": sent.format(tag=etag.strip('"'))}).get_environ())

    response = kept_json_response(request, '{"accounts":1}', etag)

    assert (response.status_code, response.get_data(), response.headers["ETag"]) == (304, b"", etag)
    assert response.headers["Cache-Control"] == "no-store"


def test_any_other_client_gets_the_body_with_its_etag():
    etag = etag_of("{}")
    for headers in ({}, {"If-None-Match": '"stale"'}):
        request = Request(EnvironBuilder(headers=headers).get_environ())
        response = kept_json_response(request, "{}", etag)
        assert (response.status_code, response.get_data(), response.headers["ETag"]) == (200, b"{}", etag)
        assert response.headers["Cache-Control"] == "no-store"
