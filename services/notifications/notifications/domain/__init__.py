"""Notifications ' rules, in plain Python."""
