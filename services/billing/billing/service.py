"""The billing service: entrypoints and providers, nothing else."""
from nameko.events import EventDispatcher, event_handler

from portal_common.clock import Clock
from portal_common.db import UnitOfWorkProvider
from portal_common.errors import PortalError
from portal_common.events import publish, tell
from portal_common.health import HealthCheck
from portal_common.rpc import HEADS_UP_TIMEOUT_SECONDS, ServiceRpc, rpc
from portal_common.schemas import billing as api
from portal_common.schemas import dump, load
from portal_common.schemas.common import PageQuery
from portal_common.timer import every

from billing.adapters import catalog_file
from billing.adapters.orm import Base
from billing.dependencies import RENEWAL_INTERVAL_CONFIG_KEY, CatalogProvider
from billing.usecases import orders, renewals, subscriptions, trials, upgrades
from billing.usecases.shared import SUBSCRIPTION_CHANGED

command = rpc(expected_exceptions=PortalError)
RENEWAL_INTERVAL_SECONDS = 60


class BillingService(HealthCheck):
    name = "billing"

    uow = UnitOfWorkProvider(Base)
    clock = Clock()
    catalog = CatalogProvider()
    dispatch = EventDispatcher()
    accounts = ServiceRpc("accounts")
    accounts_heads_up = ServiceRpc("accounts", timeout=HEADS_UP_TIMEOUT_SECONDS)

    def _publish(self):
        """Events after commit; accounts also hears of seat changes at once (read-your-writes), the
        event being the way it catches up should that call not get through."""
        publish(self.uow, self.dispatch, self._tell_accounts)

    def _tell_accounts(self, event_type, payload):
        if event_type == SUBSCRIPTION_CHANGED:
            tell(self.accounts_heads_up.apply_billing_summary, payload)

    @command
    def get_catalog(self):
        return dump(api.Catalog, catalog_file.as_document(self.catalog))

    # --- orders -----------------------------------------------------------------------------------

    @command
    def place_order(self, caller, payload, idempotency_key=None):
        data = load(api.OrderRequest, payload)
        answer = orders.place_order(self.uow, self.catalog, self.accounts, self.clock.now(), caller, data,
                                    idempotency_key)
        self._publish()
        return answer

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
    def get_subscription(self, caller, subscription_id):
        return subscriptions.get_subscription(self.uow, caller, subscription_id)

    @command
    def update_subscription(self, caller, subscription_id, payload):
        data = load(api.SubscriptionPatch, payload)
        return subscriptions.set_auto_renew(self.uow, caller, subscription_id, data["auto_renew"])

    # --- trials -----------------------------------------------------------------------------------

    @command
    def start_trial(self, caller, account_id, payload):
        data = load(api.TrialRequest, payload)
        answer = trials.start_trial(self.uow, self.catalog, self.accounts, self.clock.now(), caller, account_id, data)
        self._publish()
        return answer

    @command
    def upgrade_trial(self, caller, account_id, payload, idempotency_key=None):
        data = load(api.TrialUpgradeRequest, payload)
        answer = trials.upgrade_trial(self.uow, self.catalog, self.accounts, self.clock.now(), caller, account_id,
                                      data, idempotency_key)
        self._publish()
        return answer

    # --- upgrades and add-ons ---------------------------------------------------------------------

    @command
    def upgrade_quote(self, caller, subscription_id, query=None):
        data = load(api.QuoteQuery, query)
        return dump(api.Quote, upgrades.quote(self.uow, self.catalog, self.clock.now(), caller, subscription_id,
                                              data["plan"]))

    @command
    def upgrade(self, caller, subscription_id, payload, idempotency_key=None):
        data = load(api.UpgradeRequest, payload)
        answer = upgrades.upgrade(self.uow, self.catalog, self.clock.now(), caller, subscription_id, data,
                                  idempotency_key)
        self._publish()
        return answer

    @command
    def buy_addon(self, caller, subscription_id, payload, idempotency_key=None):
        data = load(api.AddonRequest, payload)
        answer = upgrades.buy_addon(self.uow, self.catalog, self.clock.now(), caller, subscription_id, data,
                                    idempotency_key)
        self._publish()
        return answer

    # --- time and other services' events ----------------------------------------------------------

    @every(RENEWAL_INTERVAL_CONFIG_KEY, RENEWAL_INTERVAL_SECONDS)
    def renew(self):
        if renewals.run_renewals(self.uow, self.catalog, self.clock.now()):
            self._publish()

    @event_handler("accounts", "account_released")
    def on_account_released(self, payload):
        subscriptions.account_released(self.uow, payload["id"], payload["partner_id"])
