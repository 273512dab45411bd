"""The demo organisation, Corvid Electronics: a bundle loaded when the service starts empty."""

from pathlib import Path

#: The folder of the demo bundle.
FOLDER = Path(__file__).parent

__all__ = ["FOLDER"]
