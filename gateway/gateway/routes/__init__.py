"""The gateway's routes, one mixin per part of the contract; `gateway.service` puts them together
with the dependencies they use (`self.identity`, `self.accounts`, ..., `self.guard`)."""

BODY = (400, 413, 415)
AUTH = (401, 403)
