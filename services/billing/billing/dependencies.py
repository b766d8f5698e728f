"""Billing's own dependency providers."""

from nameko.extensions import DependencyProvider

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
