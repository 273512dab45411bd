"""The org graph: the model, the store interface and its backends.

Imports nothing else of the project; everything else imports from here.
"""

from .errors import BuckstopError, BundleRefused, NotFound, Problem
from .memory import MemoryStore
from .model import Kind, Ref, Source, Status
from .org import ChangeSet, Org
from .reach import Reach
from .store import WHOLE, Applied, Focus, Store

__all__ = [
    "WHOLE",
    "Applied",
    "BuckstopError",
    "BundleRefused",
    "ChangeSet",
    "Focus",
    "Kind",
    "MemoryStore",
    "NotFound",
    "Org",
    "Problem",
    "Reach",
    "Ref",
    "Source",
    "Status",
    "Store",
]
