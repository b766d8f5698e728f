"""Work that stores what several requests sent at once stamps each one's events with its own
request, and the unit of work's own comes back after, whatever happened inside."""

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

from portal_common.unit_of_work import UnitOfWork


def test_the_request_is_the_blocks_inside_and_the_unit_of_works_own_after_even_on_an_error():
    uow = UnitOfWork(sessionmaker(bind=create_engine("sqlite://")), request_id="worker-own")

    with uow.for_request("report-request"):
        assert uow.request_id == "report-request"
    assert uow.request_id == "worker-own"

    with pytest.raises(RuntimeError), uow.for_request("failing-request"):
        raise RuntimeError("the database went away")
    assert uow.request_id == "worker-own"

    with uow.for_request(None):  # a report of a gateway that did not say
        assert uow.request_id is None
    assert uow.request_id == "worker-own"
