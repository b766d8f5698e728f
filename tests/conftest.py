import contextlib
import os

import eventlet
import pytest

from tests.databases import postgres_databases
from tests.harness import SERVICES, System, Vhost


def pytest_addoption(parser):
    parser.addoption(
        "--postgres",
        default=os.environ.get("PORTAL_TEST_POSTGRES"),
        help="run the system tests on fresh databases of this PostgreSQL server instead of SQLite",
    )


# Systems being taken down while the next module runs: killing one waits about a second for each
# consumer's poll to notice, a minute over the suite that nothing needs to wait for. Each is waited
# for at the end, and one that failed or hung fails the run.
TEARDOWNS = {}  # the module's name -> the green thread taking its system down
TEARDOWN_SECONDS = 60


@pytest.fixture(scope="module")
def system(request, tmp_path_factory):
    """The whole system on a fresh vhost and fresh databases, shared by one test module.

    Tests stay apart by signing up partners of their own (see `tests.flows`).
    """
    amqp_uri = request.config.getoption("RABBIT_AMQP_URI")
    management_uri = request.config.getoption("RABBIT_API_URI")
    postgres = request.config.getoption("--postgres")
    stack = contextlib.ExitStack()
    try:
        db_uris = stack.enter_context(postgres_databases(postgres, SERVICES)) if postgres else None
        vhost_uri = stack.enter_context(Vhost(amqp_uri, management_uri))
        system = stack.enter_context(System(vhost_uri, data_dir=tmp_path_factory.mktemp("data"), db_uris=db_uris))
    except BaseException:
        stack.close()
        raise
    yield system
    # The system, then its vhost, then its databases, in the background.
    TEARDOWNS[request.module.__name__] = eventlet.spawn(stack.close)


def pytest_sessionfinish(session):
    failed = []
    for module, teardown in TEARDOWNS.items():
        try:
            with eventlet.Timeout(TEARDOWN_SECONDS):
                teardown.wait()
        except (Exception, eventlet.Timeout) as exc:  # noqa: BLE001 - each is reported below
            failed.append(f"{module}: {exc!r}")
    if failed:
        session.config.get_terminal_writer().line("systems not taken down cleanly:\n" + "\n".join(failed), red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture
def clock(system):
    """The system's clock, put back to the real time before each test."""
    from portal_common.clock import utc_now

    system.clock.set(utc_now())
    return system.clock


@pytest.fixture
def client(system):
    return system.client()
