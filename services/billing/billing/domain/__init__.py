"""Billing's rules in plain Python: prices, terms, pro-rating, seats. No nameko, no SQLAlchemy."""
