"""Files in, validated change sets out. Imports only ``graph``."""

from .bundle import FILES, Bundle, Input, read_bundle
from .diff import Diff, diff
from .load import Load, apply_bundle, load

__all__ = ["FILES", "Bundle", "Diff", "Input", "Load", "apply_bundle", "diff", "load", "read_bundle"]
