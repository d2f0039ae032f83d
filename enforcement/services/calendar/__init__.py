"""Working-day data the engine counts with: official holiday years and the bureau's quiet days."""
