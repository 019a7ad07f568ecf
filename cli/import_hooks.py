"""Work on a module when it is first imported, and stand-ins for classes a module imports but rarely uses.

Typer imports its Rich helpers only to draw help or an error, and they import Markdown (with Pygments) and
Rich's tracebacks (with attrs), which tradewatch never draws: together they cost a command more than the
rest of Typer. The command line changes the helpers when they load (their texts in the officer's language)
and lets those two classes stand in until something uses them.
"""

from __future__ import annotations

import importlib
import sys
import types
from collections.abc import Callable, Mapping
from typing import Any


def when_imported(name: str, then: Callable[[Any], None], standins: Mapping[str, str] | None = None) -> None:
    """Call `then(module)` once the module `name` is imported: now if it is, else right after it loads.

    `standins` maps modules to one class each: while `name` loads, each module not loaded yet is a stand-in
    whose class imports the real module when it is called or an attribute of it is read.
    """
    module = sys.modules.get(name)
    if module is not None:
        then(module)
        return
    sys.meta_path.insert(0, _WhenImported(name, then, dict(standins or {})))


class _WhenImported:
    """An import system finder for one module (`importlib.abc` is not subclassed: it would import
    `importlib.resources` and `tempfile` with it)."""

    def __init__(self, name: str, then: Callable[[Any], None], standins: dict[str, str]) -> None:
        self.name, self.then, self.standins = name, then, standins

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        if fullname != self.name:
            return None
        sys.meta_path.remove(self)
        for finder in sys.meta_path:
            find = getattr(finder, "find_spec", None)
            spec = find(fullname, path, target) if find else None
            if spec is not None:
                if spec.loader is not None:
                    spec.loader = _ThroughLoader(spec.loader, self)
                return spec
        return None

    def load(self, exec_module: Callable[[Any], None], module: Any) -> None:
        standins = {name: _standin_module(name, cls) for name, cls in self.standins.items() if name not in sys.modules}
        sys.modules.update(standins)
        try:
            exec_module(module)
        finally:
            for name, standin in standins.items():
                if sys.modules.get(name) is standin:
                    del sys.modules[name]
        self.then(module)


class _ThroughLoader:
    """A module's own loader, its execution done through the hook."""

    def __init__(self, loader: Any, hook: _WhenImported) -> None:
        self.loader, self.hook = loader, hook

    def create_module(self, spec: Any) -> Any:
        return self.loader.create_module(spec)

    def exec_module(self, module: Any) -> None:
        self.hook.load(self.loader.exec_module, module)

    def __getattr__(self, name: str) -> Any:  # get_source, get_filename, … for tracebacks and inspect
        return getattr(self.loader, name)


class _Later(type):
    """The metaclass of a stand-in class: calling it or reading an attribute imports the real class."""

    def real(cls) -> Any:
        return getattr(importlib.import_module(cls.__module__), cls.__name__)

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        return cls.real()(*args, **kwargs)

    def __getattr__(cls, name: str) -> Any:
        return getattr(cls.real(), name)


def _standin_module(name: str, class_name: str) -> types.ModuleType:
    module = types.ModuleType(name)
    setattr(module, class_name, _Later(class_name, (), {"__module__": name}))
    return module
