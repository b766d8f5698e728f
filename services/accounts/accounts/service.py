"""The accounts service: entrypoints and providers, nothing else. It calls identity (a primary
contact must be an employee), and no other service."""

import base64

from portal_common.clock import Clock
from portal_common.errors import PortalError
from portal_common.event_handlers import on_event, on_events
from portal_common.events import ACCOUNT_BACKUP_CHANGED, PARTNER_SIGNED_UP, SUBSCRIPTION_CHANGED
from portal_common.health import HealthCheck
from portal_common.observability import Observer
from portal_common.rpc import ServiceRpc, rpc
from portal_common.schemas import accounts as api
from portal_common.schemas import dump, load
from portal_common.unit_of_work import UnitOfWorkProvider

from accounts.adapters.orm import Base
from accounts.adapters.unit_of_work import AccountsUnitOfWork
from accounts.usecases import accounts, company, members, read_model

command = rpc(expected_exceptions=PortalError)


class AccountsService(HealthCheck):
    name = "accounts"
    observer = Observer()

    uow = UnitOfWorkProvider(Base, AccountsUnitOfWork)
    clock = Clock()
    identity = ServiceRpc("identity")

    # --- the company ------------------------------------------------------------------------------

    @command
    def create_company(self, partner_id, name, owner):
        """The gateway's second step of a sign-up, so that the company can be read at once."""
        company.create_company(self.uow, self.clock.now(), partner_id, name, owner)

    @on_event(PARTNER_SIGNED_UP)
    def on_partner_signed_up(self, payload):
        """The same as `create_company`, for when the gateway's call did not get through."""
        company.create_company(self.uow, self.clock.now(), payload["id"], payload["name"], payload["owner"])

    @command
    def get_company(self, caller):
        return dump(api.Company, company.get_company(self.uow, self.identity, caller))

    @command
    def update_company(self, caller, payload):
        data = load(api.CompanyUpdateRequest, payload)
        return dump(api.Company, company.update_company(self.uow, self.identity, self.clock.now(), caller, data))

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
        company.delete_logo(self.uow, self.clock.now(), caller)

    # --- customer accounts ------------------------------------------------------------------------

    @command
    def create_account(self, caller, payload):
        data = load(api.AccountCreateRequest, payload)
        answer = accounts.create_account(self.uow, self.clock.now(), caller, data)
        return dump(api.AccountItem, answer)

    @command
    def list_accounts(self, caller, query=None):
        """The page as the contract's JSON text, which the gateway sends as it is."""
        return accounts.list_accounts(self.uow, caller, load(api.AccountQuery, query))

    @command
    def account_briefs(self, caller, account_ids):
        """Each account as billing needs it before a sale; 404 for one not the caller's live account."""
        return accounts.account_briefs(self.uow, caller, account_ids)

    @command
    def get_account(self, caller, account_id):
        """The account with its users and computers; the gateway adds billing's subscriptions."""
        return dump(api.AccountDetail, {**accounts.get_account(self.uow, caller, account_id), "subscriptions": []})

    @command
    def release_account(self, caller, account_id):
        answer = accounts.release_account(self.uow, self.clock.now(), caller, account_id)
        return dump(api.Released, answer)

    # --- users and computers ----------------------------------------------------------------------

    @command
    def add_user(self, caller, account_id, payload):
        data = load(api.UserCreateRequest, payload)
        return dump(api.User, members.add_user(self.uow, self.clock.now(), caller, account_id, data))

    @command
    def remove_user(self, caller, account_id, user_id):
        members.remove_user(self.uow, self.clock.now(), caller, account_id, user_id)

    @command
    def add_computer(self, caller, account_id, payload, seats):
        """`seats` are billing's answer for the account (`{"seats", "server_seats"}`), asked by the
        gateway just before, so that seats bought a moment ago count."""
        data = load(api.ComputerCreateRequest, payload)
        answer = members.add_computer(self.uow, self.clock.now(), caller, account_id, data, seats)
        return dump(api.ComputerCreated, answer)

    @command
    def computer_monitored(self, caller, computer_id):
        """Whether monitoring shows this computer to the caller (its copy of it may be on its way)."""
        return members.computer_monitored(self.uow, caller, computer_id)

    @command
    def agent_identity(self, agent_key_hash):
        """The computer an agent key belongs to ({computer_id, account_id, partner_id}), or None."""
        return members.agent_identity(self.uow, agent_key_hash)

    @command
    def remove_computer(self, caller, account_id, computer_id):
        members.remove_computer(self.uow, self.clock.now(), caller, account_id, computer_id)

    # --- what other services own, for the accounts list -------------------------------------------

    @on_events(SUBSCRIPTION_CHANGED)
    def on_subscription_changed(self, summaries):
        read_model.apply_billing_summaries(self.uow, summaries)

    @on_events(ACCOUNT_BACKUP_CHANGED)
    def on_account_backup_changed(self, summaries):
        read_model.apply_backup_summaries(self.uow, summaries)
