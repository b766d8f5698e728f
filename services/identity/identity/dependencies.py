"""Identity's own dependency providers."""
import eventlet.tpool
from argon2 import PasswordHasher as Argon2
from argon2.exceptions import InvalidHashError, VerificationError
from nameko.extensions import DependencyProvider

# A real hash of a password nobody has: verifying against it costs what a real check costs, so an
# unknown email is not told apart by timing.
_BURN_PASSWORD = "not-a-password-of-anyone"


class Hasher:
    """argon2id (argon2-cffi's defaults), run in eventlet's thread pool: a hash takes tens of
    milliseconds of C that would otherwise stall every greenthread of the process."""

    def __init__(self, argon2):
        self._argon2 = argon2
        self._burn_hash = argon2.hash(_BURN_PASSWORD)

    def hash(self, password):
        return eventlet.tpool.execute(self._argon2.hash, password)

    def verify(self, password_hash, password):
        try:
            return eventlet.tpool.execute(self._argon2.verify, password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def burn(self, password):
        self.verify(self._burn_hash, password)


class PasswordHasher(DependencyProvider):
    def setup(self):
        self.hasher = Hasher(Argon2())

    def get_dependency(self, worker_ctx):
        return self.hasher
