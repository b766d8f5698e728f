"""Code that the Partner Portal services and the gateway really share."""
