"""The gateway: the contract's routes (in `gateway.routes`), each mapped to service calls, and the
dependencies they call through. Where a route needs two services, the gateway asks both (services
do not call each other in a cycle: README, "Calls")."""

from portal_common.clock import Clock
from portal_common.observability import Observer
from portal_common.rpc import FOLLOW_UP_TIMEOUT_SECONDS, ServiceRpc

from gateway import agents
from gateway.auth import Authenticator
from gateway.limits import SignInLimiter
from gateway.read_cache import ReadCache
from gateway.report_publisher import ReportPublisher
from gateway.routes.accounts import AccountsRoutes
from gateway.routes.audit import AuditRoutes
from gateway.routes.billing import BillingRoutes
from gateway.routes.identity import IdentityRoutes
from gateway.routes.monitoring import MonitoringRoutes
from gateway.routes.notifications import NotificationsRoutes
from gateway.routes.operations import BACKING_SERVICES, OperationsRoutes
from gateway.routes.web import WebRoutes

__all__ = ["GatewayService", "BACKING_SERVICES"]


class GatewayService(
    OperationsRoutes,
    IdentityRoutes,
    AccountsRoutes,
    BillingRoutes,
    MonitoringRoutes,
    NotificationsRoutes,
    AuditRoutes,
    WebRoutes,
):
    name = "gateway"
    observer = Observer()

    identity = ServiceRpc("identity")
    accounts = ServiceRpc("accounts")
    # For the second step of a request whose first is done, when an event would carry it anyway.
    accounts_follow_up = ServiceRpc("accounts", timeout=FOLLOW_UP_TIMEOUT_SECONDS)
    billing_follow_up = ServiceRpc("billing", timeout=FOLLOW_UP_TIMEOUT_SECONDS)
    billing = ServiceRpc("billing")
    monitoring = ServiceRpc("monitoring")
    notifications = ServiceRpc("notifications")
    audit = ServiceRpc("audit")
    guard = Authenticator()
    reads = ReadCache()
    clock = Clock()
    known_agents = agents.AgentKeys()
    sign_in_limits = SignInLimiter()
    # Confirmed and mandatory: 202 only once the broker holds the report in monitoring's queue.
    reports = ReportPublisher()
