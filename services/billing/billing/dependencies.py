"""Billing's own dependency providers and entrypoints."""
from nameko.extensions import DependencyProvider
from nameko.timer import Timer

from billing.adapters import catalog_file

CATALOG_CONFIG_KEY = "CATALOG_PATH"
RENEWAL_INTERVAL_CONFIG_KEY = "RENEWAL_INTERVAL_SECONDS"


class CatalogProvider(DependencyProvider):
    """The operator's catalog file (CATALOG_PATH, else the one shipped), read and validated once at
    start-up: a bad file stops the service rather than selling at a wrong price."""

    def setup(self):
        self.catalog = catalog_file.load(self.container.config.get(CATALOG_CONFIG_KEY) or None)

    def get_dependency(self, worker_ctx):
        return self.catalog


class ConfiguredTimer(Timer):
    """nameko's timer with its interval read from the config (tests make it short)."""

    def __init__(self, config_key, default_seconds, **kwargs):
        self.config_key = config_key
        super().__init__(interval=default_seconds, **kwargs)

    def setup(self):
        self.interval = float(self.container.config.get(self.config_key, self.interval))
        super().setup()


every_renewal_interval = ConfiguredTimer.decorator
