"""Enforcement lists (overdue, due, weekly, monthly) and the public disclosure list."""
