"""The accounts service: entrypoints and providers, nothing else."""
import base64

from nameko.events import EventDispatcher, event_handler

from portal_common.clock import Clock
from portal_common.db import UnitOfWorkProvider
from portal_common.errors import PortalError
from portal_common.events import publish, tell
from portal_common.health import HealthCheck
from portal_common.packed_text import pack
from portal_common.rpc import HEADS_UP_TIMEOUT_SECONDS, ServiceRpc, rpc
from portal_common.schemas import accounts as api
from portal_common.schemas import dump, load

from accounts.adapters.orm import Base
from accounts.usecases import accounts, company, members, read_model

command = rpc(expected_exceptions=PortalError)
# Monitoring authenticates agents from its own replica: it hears of these at once (so an agent may
# report right after its computer is added), the events being how it catches up otherwise.
TOLD_TO_MONITORING = {
    accounts.ACCOUNT_CREATED: "track_account",
    accounts.ACCOUNT_RELEASED: "track_account",
    members.COMPUTER_ADDED: "track_computer",
    members.COMPUTER_REMOVED: "track_computer",
}


class AccountsService(HealthCheck):
    name = "accounts"

    uow = UnitOfWorkProvider(Base)
    clock = Clock()
    dispatch = EventDispatcher()
    identity = ServiceRpc("identity")
    billing = ServiceRpc("billing")
    monitoring = ServiceRpc("monitoring", timeout=HEADS_UP_TIMEOUT_SECONDS)

    def _publish(self):
        publish(self.uow, self.dispatch, self._tell_monitoring)

    def _tell_monitoring(self, event_type, payload):
        if event_type in TOLD_TO_MONITORING:
            tell(getattr(self.monitoring, TOLD_TO_MONITORING[event_type]), payload)

    # --- the company ------------------------------------------------------------------------------

    @command
    def create_company(self, partner_id, name, owner):
        company.create_company(self.uow, self.clock.now(), partner_id, name, owner)

    @event_handler("identity", "partner_signed_up")
    def on_partner_signed_up(self, payload):
        """The same as identity's `create_company` call, for when that call did not get through."""
        company.create_company(self.uow, self.clock.now(), payload["id"], payload["name"], payload["owner"])

    @command
    def get_company(self, caller):
        return dump(api.Company, company.get_company(self.uow, caller))

    @command
    def update_company(self, caller, payload):
        data = load(api.CompanyUpdateRequest, payload)
        return dump(api.Company, company.update_company(self.uow, self.identity, caller, data))

    @command
    def put_logo(self, caller, content_type, data_base64):
        data = base64.b64decode(data_base64)
        return dump(api.LogoUrl, company.put_logo(self.uow, self.clock.now(), caller, content_type, data))

    @command
    def get_logo(self, caller):
        content_type, data = company.get_logo(self.uow, caller)
        return {"content_type": content_type, "data_base64": base64.b64encode(data).decode()}

    @command
    def delete_logo(self, caller):
        company.delete_logo(self.uow, caller)

    # --- customer accounts ------------------------------------------------------------------------

    @command
    def create_account(self, caller, payload):
        data = load(api.AccountCreateRequest, payload)
        answer = accounts.create_account(self.uow, self.clock.now(), caller, data)
        self._publish()
        return dump(api.AccountItem, answer)

    @command
    def list_accounts(self, caller, query=None):
        """The page as the contract's JSON text. Gateways now ask for `list_accounts_packed`; this
        answers gateways released before it, and can go once none is left."""
        return accounts.list_accounts(self.uow, caller, load(api.AccountQuery, query))

    @command
    def list_accounts_packed(self, caller, query=None):
        """The same page packed (`portal_common.packed_text`): an eighth of its size on the bus."""
        return pack(self.list_accounts(caller, query))

    @command
    def account_brief(self, caller, account_id):
        return accounts.account_brief(self.uow, caller, account_id)

    @command
    def get_account(self, caller, account_id):
        detail = dump(api.AccountDetail, {**accounts.get_account(self.uow, caller, account_id), "subscriptions": []})
        # Billing's answer is in the contract's shape already.
        detail["subscriptions"] = self.billing.account_subscriptions(caller, account_id)
        return detail

    @command
    def release_account(self, caller, account_id):
        answer = accounts.release_account(self.uow, self.clock.now(), caller, account_id)
        self._publish()
        return dump(api.Released, answer)

    # --- users and computers ----------------------------------------------------------------------

    @command
    def add_user(self, caller, account_id, payload):
        data = load(api.UserCreateRequest, payload)
        return dump(api.User, members.add_user(self.uow, self.clock.now(), caller, account_id, data))

    @command
    def remove_user(self, caller, account_id, user_id):
        members.remove_user(self.uow, caller, account_id, user_id)

    @command
    def add_computer(self, caller, account_id, payload):
        data = load(api.ComputerCreateRequest, payload)
        answer = members.add_computer(self.uow, self.clock.now(), caller, account_id, data)
        self._publish()
        return dump(api.ComputerCreated, answer)

    @command
    def remove_computer(self, caller, account_id, computer_id):
        members.remove_computer(self.uow, self.clock.now(), caller, account_id, computer_id)
        self._publish()

    # --- what other services own, for the accounts list -------------------------------------------

    @command
    def apply_billing_summary(self, summary):
        read_model.apply_billing_summary(self.uow, summary)

    @event_handler("billing", "subscription_changed")
    def on_subscription_changed(self, summary):
        read_model.apply_billing_summary(self.uow, summary)

    @event_handler("monitoring", "account_backup_changed")
    def on_account_backup_changed(self, summary):
        read_model.apply_backup_summary(self.uow, summary)
