"""What the notifications service is given: how mail leaves, from whom, and the portal's address."""
import eventlet.semaphore
from nameko.extensions import DependencyProvider

from notifications.adapters.mailer import DEFAULT_MAIL_FROM, MAIL_FROM_CONFIG_KEY, transport

PORTAL_URL_CONFIG_KEY = "PORTAL_URL"
DEFAULT_PORTAL_URL = "http://127.0.0.1:8000"


class Postbox:
    def __init__(self, transport, sender, portal_url):
        self.transport, self.sender, self.portal_url = transport, sender, portal_url
        # One sender at a time in a process: two workers never send the same pending mail (several
        # processes on PostgreSQL are kept apart by row locks).
        self.sending = eventlet.semaphore.Semaphore()


class Mailer(DependencyProvider):
    def setup(self):
        config = self.container.config
        self.postbox = Postbox(transport(config), config.get(MAIL_FROM_CONFIG_KEY) or DEFAULT_MAIL_FROM,
                               config.get(PORTAL_URL_CONFIG_KEY) or DEFAULT_PORTAL_URL)

    def get_dependency(self, worker_ctx):
        return self.postbox
