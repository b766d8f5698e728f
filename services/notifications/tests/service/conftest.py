import pathlib

from tests.service_config import service_fixtures

NOTIFICATIONS_DIR = pathlib.Path(__file__).resolve().parents[2]


def _service():
    from notifications.service import NotificationsService

    return NotificationsService


clock, config, notifications, rpc = service_fixtures(
    "notifications",
    NOTIFICATIONS_DIR,
    _service,
    MAIL_DIR=lambda tmp_path: str(tmp_path / "mail"),
    MAIL_SEND_SECONDS=0.2,
    PORTAL_URL="https://portal.example",
)
