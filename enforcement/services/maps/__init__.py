"""Finding enterprises: the map box, near-me and name/code search."""
