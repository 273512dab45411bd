"""The examples in the docstrings run, as the installed names import them.

Every module of the installed packages is collected (a new module needs no entry here) and
its docstring examples run with :mod:`doctest`; a module without examples collects nothing.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

PACKAGES = ("buckstop.graph", "buckstop.loaders", "buckstop.queries", "buckstop.api")


def _modules() -> list[str]:
    names = []
    for package in PACKAGES:
        names.append(package)
        path = importlib.import_module(package).__path__
        walked = pkgutil.walk_packages(path, prefix=f"{package}.")
        # A __main__ module runs its program when imported: it is the program, not a library.
        names += [info.name for info in walked if not info.name.endswith(".__main__")]
    return sorted(names)


def _with_examples() -> list[str]:
    finder = doctest.DocTestFinder()
    return [name for name in _modules() if any(t.examples for t in finder.find(importlib.import_module(name)))]


def test_the_examples_are_found() -> None:
    # A guard for the test below: were the collection broken, it would pass by running nothing.
    assert "buckstop.graph.validate" in _with_examples()


@pytest.mark.parametrize("name", _with_examples())
def test_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS, verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples in {name} failed (see above)"
