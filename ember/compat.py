"""Run unmodified PyTorch programs on Ember: ``python -m ember.compat script.py [args]``.

An import hook (not text substitution) answers ``import torch...`` with Ember's modules,
``import torchvision...`` with ``ember.vision`` and PyTorch-Ignite's ``ignite.engine``,
``ignite.metrics`` and ``ignite.handlers`` with ``ember.engine``. Each answer is a thin alias
module, so a name Ember lacks fails with an error that names the attribute the program asked
for.
In a notebook, call ``ember.compat.install()`` before importing torch.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import runpy
import sys
import types

_PREFIXES = {"torch": "ember", "torchvision": "ember.vision"}
_MODULES = {  # Ignite's public modules (its layout differs from ember.engine's)
    "ignite": "ember.engine", "ignite.engine": "ember.engine",
    "ignite.metrics": "ember.engine.metrics", "ignite.handlers": "ember.engine.handlers",
    "ignite.contrib": "ember.engine", "ignite.contrib.handlers": "ember.engine.handlers",
}


def _target(fullname: str) -> str | None:
    """The Ember module behind a torch/torchvision/ignite module name (None: not ours)."""
    if fullname in _MODULES:
        return _MODULES[fullname]
    head, _, rest = fullname.partition(".")
    if head not in _PREFIXES:
        return None
    return _PREFIXES[head] + ("." + rest if rest else "")


class _Alias(types.ModuleType):
    """``torch.x`` seen through Ember: attribute reads go to the Ember module."""

    def __init__(self, name: str, target: types.ModuleType) -> None:
        super().__init__(name, getattr(target, "__doc__", None))
        object.__setattr__(self, "_ember_target", target)
        self.__file__ = getattr(target, "__file__", None)
        if hasattr(target, "__path__"):
            self.__path__ = []  # a package: submodules come through the finder below

    def __getattr__(self, attr: str):
        target = object.__getattribute__(self, "_ember_target")
        try:
            value = getattr(target, attr)
        except AttributeError:
            sub = f"{self.__name__}.{attr}"
            if _target(sub) is not None:
                try:
                    return importlib.import_module(sub)
                except ImportError:
                    pass
            raise AttributeError(
                f"{self.__name__}.{attr} is not supported by Ember yet (no "
                f"{target.__name__}.{attr}); ember.compat ran this program with torch mapped to "
                "ember"
            ) from None
        if isinstance(value, types.ModuleType) and value.__name__.startswith("ember"):
            alias = f"{self.__name__}.{attr}"
            if alias in sys.modules:
                return sys.modules[alias]
        return value

    def __dir__(self):
        return dir(object.__getattribute__(self, "_ember_target"))


class _Loader(importlib.abc.Loader):
    def __init__(self, target: str) -> None:
        self.target = target

    def create_module(self, spec):
        try:
            module = importlib.import_module(self.target)
        except ModuleNotFoundError as e:
            raise ModuleNotFoundError(
                f"No module named '{spec.name}': Ember has no {self.target} yet (ember.compat "
                "maps torch to ember)", name=spec.name
            ) from e
        return _Alias(spec.name, module)

    def exec_module(self, module) -> None:
        pass


class TorchFinder(importlib.abc.MetaPathFinder):
    """Finds ``torch``/``torchvision`` (and submodules) before any real installation."""

    def find_spec(self, fullname, path=None, target=None):
        ember_name = _target(fullname)
        if ember_name is None:
            return None
        is_pkg = True
        return importlib.machinery.ModuleSpec(fullname, _Loader(ember_name), is_package=is_pkg)


_finder = TorchFinder()


def install() -> None:
    """Make ``import torch`` / ``import torchvision`` resolve to Ember from now on."""
    for name in [n for n in sys.modules if _target(n) is not None]:
        del sys.modules[name]
    if _finder not in sys.meta_path:
        sys.meta_path.insert(0, _finder)


def uninstall() -> None:
    """Undo ``install`` (aliases already imported are dropped from ``sys.modules``)."""
    if _finder in sys.meta_path:
        sys.meta_path.remove(_finder)
    for name in [n for n, m in sys.modules.items() if isinstance(m, _Alias)]:
        del sys.modules[name]


def main(argv=None) -> None:
    """``python -m ember.compat script.py [args]``: run the script with torch mapped to ember."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help"):
        print("usage: python -m ember.compat SCRIPT.py [args...]\n\n" + __doc__.strip())
        raise SystemExit(0 if argv else 2)
    install()
    sys.argv = argv
    runpy.run_path(argv[0], run_name="__main__")


if __name__ == "__main__":
    main()
