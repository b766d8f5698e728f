import pytest

from tests.harness import System, Vhost


@pytest.fixture(scope="module")
def system(request, tmp_path_factory):
    """The whole system on a fresh vhost and fresh SQLite files, shared by one test module.

    Tests stay apart by signing up partners of their own (see `tests.flows.sign_up`).
    """
    amqp_uri = request.config.getoption("RABBIT_AMQP_URI")
    management_uri = request.config.getoption("RABBIT_API_URI")
    with Vhost(amqp_uri, management_uri) as vhost_uri:
        with System(vhost_uri, data_dir=tmp_path_factory.mktemp("data")) as running:
            yield running


@pytest.fixture
def clock(system):
    """The system's clock, put back to the real time before each test."""
    from portal_common.clock import utc_now

    system.clock.set(utc_now())
    return system.clock


@pytest.fixture
def client(system):
    return system.client()
