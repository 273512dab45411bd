"""Files in, validated change sets out. Imports only ``graph``."""

from .bundle import FILES, Bundle, apply_bundle, read_bundle

__all__ = ["FILES", "Bundle", "apply_bundle", "read_bundle"]
