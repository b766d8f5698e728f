"""The billing service: entrypoints and providers, nothing else. It calls no other service: the
gateway asks accounts whether an account is the caller's before billing sells to it, and says."""

from portal_common.clock import Clock
from portal_common.errors import PortalError
from portal_common.event_handlers import on_event
from portal_common.events import ACCOUNT_CREATED, ACCOUNT_RELEASED
from portal_common.health import HealthCheck
from portal_common.observability import Observer
from portal_common.rpc import rpc
from portal_common.schemas import billing as api
from portal_common.schemas import dump, load
from portal_common.schemas.common import PageQuery
from portal_common.timer import every
from portal_common.unit_of_work import UnitOfWorkProvider

from billing.adapters import catalog_file
from billing.adapters.orm import Base
from billing.adapters.unit_of_work import BillingUnitOfWork
from billing.dependencies import RENEWAL_INTERVAL_CONFIG_KEY, CatalogProvider
from billing.usecases import orders, renewals, subscriptions, trials, upgrades, warnings

command = rpc(expected_exceptions=PortalError)
RENEWAL_INTERVAL_SECONDS = 60


class BillingService(HealthCheck):
    name = "billing"
    observer = Observer()

    uow = UnitOfWorkProvider(Base, BillingUnitOfWork)
    clock = Clock()
    catalog = CatalogProvider()

    @command
    def get_catalog(self):
        return dump(api.Catalog, catalog_file.as_document(self.catalog))

    # --- orders -----------------------------------------------------------------------------------

    @command
    def place_order(self, caller, payload, idempotency_key, accounts_found):
        data = load(api.OrderRequest, payload)
        return orders.place_order(
            self.uow, self.catalog, self.clock.now(), caller, data, idempotency_key, accounts_found
        )

    @command
    def list_orders(self, caller, query=None):
        return orders.list_orders(self.uow, caller, load(PageQuery, query))

    @command
    def get_order(self, caller, order_id):
        return orders.get_order(self.uow, caller, order_id)

    # --- subscriptions ----------------------------------------------------------------------------

    @command
    def list_subscriptions(self, caller, query=None):
        return subscriptions.list_subscriptions(self.uow, caller, load(api.SubscriptionQuery, query))

    @command
    def account_subscriptions(self, caller, account_id):
        return subscriptions.account_subscriptions(self.uow, caller, account_id)

    @command
    def account_seats(self, caller, account_id):
        """The seats the account's running subscriptions give (`{"seats", "server_seats"}`): the
        gateway hands them to accounts when a computer is added."""
        return subscriptions.account_seats(self.uow, self.catalog, caller, account_id)

    @command
    def get_subscription(self, caller, subscription_id):
        return subscriptions.get_subscription(self.uow, caller, subscription_id)

    @command
    def update_subscription(self, caller, subscription_id, payload):
        data = load(api.SubscriptionPatch, payload)
        return subscriptions.set_auto_renew(self.uow, self.clock.now(), caller, subscription_id, data["auto_renew"])

    # --- trials -----------------------------------------------------------------------------------

    @command
    def start_trial(self, caller, account_id, payload, account_found):
        data = load(api.TrialRequest, payload)
        return trials.start_trial(self.uow, self.catalog, self.clock.now(), caller, account_id, data, account_found)

    @command
    def upgrade_trial(self, caller, account_id, payload, idempotency_key, account_found):
        data = load(api.TrialUpgradeRequest, payload)
        return trials.upgrade_trial(
            self.uow, self.catalog, self.clock.now(), caller, account_id, data, idempotency_key, account_found
        )

    # --- upgrades and add-ons ---------------------------------------------------------------------

    @command
    def upgrade_quote(self, caller, subscription_id, query=None):
        data = load(api.QuoteQuery, query)
        return dump(
            api.Quote, upgrades.quote(self.uow, self.catalog, self.clock.now(), caller, subscription_id, data["plan"])
        )

    @command
    def upgrade(self, caller, subscription_id, payload, idempotency_key=None):
        data = load(api.UpgradeRequest, payload)
        return upgrades.upgrade(
            self.uow, self.catalog, self.clock.now(), caller, subscription_id, data, idempotency_key
        )

    @command
    def buy_addon(self, caller, subscription_id, payload, idempotency_key=None):
        data = load(api.AddonRequest, payload)
        return upgrades.buy_addon(
            self.uow, self.catalog, self.clock.now(), caller, subscription_id, data, idempotency_key
        )

    # --- time and other services' events ----------------------------------------------------------

    @every(RENEWAL_INTERVAL_CONFIG_KEY, RENEWAL_INTERVAL_SECONDS)
    def renew(self):
        now = self.clock.now()
        renewals.run_renewals(self.uow, self.catalog, now)
        warnings.warn_of_endings(self.uow, now)

    @command
    def account_releasing(self, caller, account_id):
        """The gateway's first step of a release: billing asks accounts before it sells to the account."""
        subscriptions.account_releasing(self.uow, account_id, caller["partner_id"])

    @command
    def account_released(self, caller, account_id):
        """The gateway's second step of a release, so that the account's subscriptions cannot be
        changed from the next request on (the event does the same, should this not get through)."""
        subscriptions.account_released(self.uow, account_id, caller["partner_id"])

    @on_event(ACCOUNT_CREATED)
    def on_account_created(self, payload):
        """So that billing can tell a partner's own live accounts without asking accounts."""
        subscriptions.account_opened(self.uow, payload["id"], payload["partner_id"])

    @on_event(ACCOUNT_RELEASED)
    def on_account_released(self, payload):
        subscriptions.account_released(self.uow, payload["id"], payload["partner_id"])
