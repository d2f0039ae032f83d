"""The register of enterprises (sites): creating and editing them, and importing registry files."""
