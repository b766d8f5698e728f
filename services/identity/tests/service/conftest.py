import pathlib

from tests.service_config import service_fixtures

IDENTITY_DIR = pathlib.Path(__file__).resolve().parents[2]


def _service():
    from identity.service import IdentityService

    return IdentityService


clock, config, identity, rpc = service_fixtures("identity", IDENTITY_DIR, _service)
