# nameko needs eventlet's monkey patch before anything else is imported (plain pytest hangs without).
import warnings

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

import eventlet  # noqa: E402

eventlet.monkey_patch()

pytest_plugins = ("tests.shards",)
