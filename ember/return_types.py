"""Named tuples returned by reductions with indices (``ember.return_types.max`` ...)."""

from __future__ import annotations

from collections import namedtuple


def _make(name: str, fields=("values", "indices")):
    base = namedtuple(name, fields)

    def __repr__(self) -> str:
        body = ",\n".join(f"{f}={getattr(self, f)!r}" for f in fields)
        return f"ember.return_types.{name}(\n{body})"

    return type(name, (base,), {"__repr__": __repr__, "__slots__": (),
                                "__module__": "ember.return_types"})


max = _make("max")  # noqa: A001
min = _make("min")  # noqa: A001
sort = _make("sort")
topk = _make("topk")
kthvalue = _make("kthvalue")
median = _make("median")
nanmedian = _make("nanmedian")
mode = _make("mode")
cummax = _make("cummax")
cummin = _make("cummin")
aminmax = _make("aminmax", ("min", "max"))
std_mean = _make("std_mean", ("std", "mean"))
var_mean = _make("var_mean", ("var", "mean"))
