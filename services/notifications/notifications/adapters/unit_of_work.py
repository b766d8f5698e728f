"""The notifications service's unit of work: the companies and accounts it keeps, each partner's
alert settings and alerts, the mail waiting, and the webhooks with their deliveries and tries."""

from portal_common.unit_of_work import UnitOfWork

from notifications.adapters.repository import (
    Accounts,
    Alerts,
    Attempts,
    Deliveries,
    Mails,
    Partners,
    Settings,
    Webhooks,
)


class NotificationsUnitOfWork(UnitOfWork):
    partners: Partners
    accounts: Accounts
    settings: Settings
    alerts: Alerts
    mails: Mails
    webhooks: Webhooks
    deliveries: Deliveries
    attempts: Attempts
