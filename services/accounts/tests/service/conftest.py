import pathlib

from tests.service_config import service_fixtures

ACCOUNTS_DIR = pathlib.Path(__file__).resolve().parents[2]


def _service():
    from accounts.service import AccountsService

    return AccountsService


clock, config, accounts, rpc = service_fixtures("accounts", ACCOUNTS_DIR, _service, RPC_TIMEOUT_SECONDS=2)
