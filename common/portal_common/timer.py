from typing import Any

from nameko.timer import Timer


class ConfiguredTimer(Timer):
    """nameko's timer with its interval read from the config under `config_key` (tests make it short)."""

    interval: float

    def __init__(self, config_key: str, default_seconds: float, **kwargs: Any) -> None:
        self.config_key = config_key
        super().__init__(interval=default_seconds, **kwargs)

    def setup(self) -> None:
        self.interval = float(self.container.config.get(self.config_key, self.interval))
        super().setup()


every = ConfiguredTimer.decorator
