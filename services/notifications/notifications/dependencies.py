"""What the notifications service is given: how mail leaves, from whom, and the portal's address."""

import logging

from nameko.extensions import DependencyProvider

from notifications.adapters.mailer import DEFAULT_MAIL_FROM, MAIL_FROM_CONFIG_KEY, transport

log = logging.getLogger(__name__)
PORTAL_URL_CONFIG_KEY = "PORTAL_URL"
DEFAULT_PORTAL_URL = "http://127.0.0.1:8000"


class Postbox:
    """Mail leaves from one sender at a time in a process, in a thread of its own: `nudge` starts it
    (or, while it runs, has it look once more), so no handler ever waits on a mail server."""

    def __init__(self, transport, sender, portal_url, spawn):
        self.transport, self.sender, self.portal_url = transport, sender, portal_url
        self._spawn = spawn
        self._running = self._again = False

    def nudge(self, send):
        if self._running:
            self._again = True
            return
        self._running = True
        self._spawn(lambda: self._run(send))

    def _run(self, send):
        try:
            while True:
                self._again = False
                try:
                    send()
                except Exception:  # noqa: BLE001 - what was not sent stays due: the next nudge tries it
                    log.exception("sending mail failed")
                if not self._again:
                    return
        finally:
            self._running = False


class Mailer(DependencyProvider):
    def setup(self):
        config = self.container.config
        self.postbox = Postbox(
            transport(config),
            config.get(MAIL_FROM_CONFIG_KEY) or DEFAULT_MAIL_FROM,
            config.get(PORTAL_URL_CONFIG_KEY) or DEFAULT_PORTAL_URL,
            self.container.spawn_managed_thread,
        )

    def get_dependency(self, worker_ctx):
        return self.postbox
