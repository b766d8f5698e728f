"""The notifications service's unit of work: the companies and accounts it keeps, each partner's
alert settings and alerts, the mail waiting, and the webhooks with their deliveries and tries."""

from sqlalchemy.orm import Session

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

    def open_repositories(self, session: Session) -> None:
        self.partners = Partners(session)
        self.accounts = Accounts(session)
        self.settings = Settings(session)
        self.alerts = Alerts(session)
        self.mails = Mails(session)
        self.webhooks = Webhooks(session)
        self.deliveries = Deliveries(session)
        self.attempts = Attempts(session)
