"""The accounts list, kept ready as the contract's JSON.

The list is what partners read most. Each account's item is written as JSON text whenever its row
changes (`usecases.read_model.project`), so a page is the stored texts joined: no objects built, no
schema dump, and the gateway sends the text on as it came.
"""

import json

from portal_common.schemas import accounts as api
from portal_common.schemas import dump

from accounts.usecases import views


def _compact(value):
    return json.dumps(value, separators=(",", ":"))


def listed_json(account):
    """The account's item of the list, as the contract's JSON (anything with the row's attributes)."""
    return _compact(dump(api.AccountItem, views.account(account)))


def page_json(listed, next_cursor):
    return '{"items":[' + ",".join(listed) + '],"next_cursor":' + _compact(next_cursor) + "}"
