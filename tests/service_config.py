"""What every service's own tests on the real broker start from: the service alone on a fresh vhost
(nameko's `rabbit_config`), with a freshly migrated SQLite file and a clock the test moves."""
from portal_common import migrate


def service_config(name, service_dir, rabbit_config, tmp_path, clock, **extra):
    uri = f"sqlite:///{tmp_path / (name + '.db')}"
    migrate.upgrade(service_dir, uri)
    return {**rabbit_config, "DB_URIS": {f"{name}:Base": uri}, "CLOCK": clock, **extra}
