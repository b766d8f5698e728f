"""Group commit: what concurrent workers hand in together is dealt with together, and each worker
gets its own outcome, or gives up at its deadline."""

import eventlet
import pytest

from portal_common.batches import Batches


class Late(Exception):
    pass


def running(handle, most=100, deadline=5):
    batches = Batches(handle, most, deadline, Late)
    return batches, eventlet.spawn(batches.run)


def test_items_handed_in_together_are_dealt_with_together_each_with_its_own_outcome():
    sizes = []

    def handle(items):
        sizes.append(len(items))
        eventlet.sleep(0.01)  # a commit
        return [ValueError(item) if item % 7 == 0 else item * 10 for item in items]

    batches, runner = running(handle)

    def submit(item):
        try:
            return batches.submit(item)
        except ValueError as exc:
            return f"refused {exc}"

    try:
        outcomes = list(eventlet.GreenPool(50).imap(submit, range(1, 51)))
    finally:
        runner.kill()
    assert outcomes == [f"refused {n}" if n % 7 == 0 else n * 10 for n in range(1, 51)]
    assert sum(sizes) == 50 and len(sizes) < 10  # not one commit per item


def test_a_batch_is_never_bigger_than_allowed():
    sizes = []
    batches, runner = running(lambda items: sizes.append(len(items)) or items, most=4)
    try:
        list(eventlet.GreenPool(10).imap(batches.submit, range(10)))
    finally:
        runner.kill()
    assert max(sizes) <= 4 and sum(sizes) == 10


def test_a_failing_batch_fails_each_of_its_items():
    def handle(items):
        raise ConnectionError("the database went away")

    batches, runner = running(handle)
    try:
        with pytest.raises(ConnectionError):
            batches.submit(1)
        with pytest.raises(ConnectionError):  # and the thread goes on with the next batch
            batches.submit(2)
    finally:
        runner.kill()


def test_a_worker_gives_up_at_its_deadline():
    batches, runner = running(lambda items: eventlet.sleep(10), deadline=0.2)
    try:
        with eventlet.Timeout(5), pytest.raises(Late):
            batches.submit(1)
    finally:
        runner.kill()
