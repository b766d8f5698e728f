"""A partner's webhook endpoint, in the test process: it keeps every request it gets and answers
with the statuses it is told (then 200), after an optional pause."""

import collections
import contextlib
import threading

import eventlet
import eventlet.wsgi

from tests.harness import free_port


class Receiver:
    def __init__(self, statuses=(), pause=0.0):
        self.statuses, self.pause = collections.deque(statuses), pause
        self.received = []
        self.lock = threading.Lock()
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/hooks/in"

    def __call__(self, environ, start_response):
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        headers = {
            key[5:].replace("_", "-").lower(): value for key, value in environ.items() if key.startswith("HTTP_")
        }
        headers["content-type"] = environ.get("CONTENT_TYPE", "")
        if self.pause:
            eventlet.sleep(self.pause)
        with self.lock:
            self.received.append((environ["PATH_INFO"], headers, body))
            status = self.statuses.popleft() if self.statuses else 200
        start_response(f"{status} X", [("Content-Type", "text/plain")])
        return [b"x" * 5000]  # more than the sender keeps

    def bodies(self):
        return [body for _, _, body in self.received]


@contextlib.contextmanager
def receiving(**kwargs):
    receiver = Receiver(**kwargs)
    server = eventlet.listen(("127.0.0.1", receiver.port))
    thread = eventlet.spawn(eventlet.wsgi.server, server, receiver, log_output=False)
    try:
        yield receiver
    finally:
        thread.kill()
        server.close()
