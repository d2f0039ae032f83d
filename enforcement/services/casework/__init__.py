"""Enforcement cases: opening them, applying events through the engine, storing its snapshot,
follow-ups, and the case's serialised shape."""
