from nameko.timer import Timer


class ConfiguredTimer(Timer):
    """nameko's timer with its interval read from the config under `config_key` (tests make it short)."""

    def __init__(self, config_key, default_seconds, **kwargs):
        self.config_key = config_key
        super().__init__(interval=default_seconds, **kwargs)

    def setup(self):
        self.interval = float(self.container.config.get(self.config_key, self.interval))
        super().setup()


every = ConfiguredTimer.decorator
