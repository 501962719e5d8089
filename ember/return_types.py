"""Named tuples that ops return, as ``torch.return_types``: ``ember.return_types.max`` and friends.

Each is a tuple (unpacks and indexes like one) with named fields, ``n_fields`` /
``n_sequence_fields`` / ``n_unnamed_fields`` as torch's structseqs, and torch's printed form::

    ember.return_types.max(
    values=tensor(3.),
    indices=tensor(1))
"""

from __future__ import annotations

from collections import namedtuple

_TYPES: dict = {}


def _make(name: str, fields=("values", "indices")) -> type:
    """The named tuple type ``ember.return_types.<name>`` with ``fields`` (made once, shared)."""
    fields = tuple(fields)
    cls = _TYPES.get(name)
    if cls is not None:
        if cls._fields != fields:
            raise ValueError(f"return type {name} already has fields {cls._fields}")
        return cls

    def __repr__(self) -> str:
        body = ",\n".join(f"{f}={v!r}" for f, v in zip(fields, self))
        return f"ember.return_types.{name}(\n{body})"

    base = namedtuple(name, fields)

    def __new__(cls, *args, **kwargs):
        if len(args) == 1 and not kwargs:  # torch's form: one sequence of all the fields
            args = tuple(args[0])
        return base.__new__(cls, *args, **kwargs)

    attrs = {
        "__new__": __new__,
        "__repr__": __repr__,
        "__str__": __repr__,
        "__slots__": (),
        "__module__": __name__,
        "__qualname__": name,
        "n_fields": len(fields),
        "n_sequence_fields": len(fields),
        "n_unnamed_fields": 0,
    }
    cls = _TYPES[name] = type(name, (base,), attrs)
    globals()[name] = cls
    return cls


_VI = ("values", "indices")
for _name in ("max", "min", "sort", "topk", "kthvalue", "median", "nanmedian", "mode", "cummax",
              "cummin"):
    _make(_name, _VI)
for _name, _fields in {
    "aminmax": ("min", "max"),
    "frexp": ("mantissa", "exponent"),
    "geqrf": ("a", "tau"),
    "histogram": ("hist", "bin_edges"),
    "histogramdd": ("hist", "bin_edges"),
    "qr": ("Q", "R"),
    "slogdet": ("sign", "logabsdet"),
    "svd": ("U", "S", "V"),
    "triangular_solve": ("solution", "cloned_coefficient"),
    "lu_unpack": ("P", "L", "U"),
    "linalg_cholesky_ex": ("L", "info"),
    "linalg_eig": ("eigenvalues", "eigenvectors"),
    "linalg_eigh": ("eigenvalues", "eigenvectors"),
    "linalg_inv_ex": ("inverse", "info"),
    "linalg_ldl_factor": ("LD", "pivots"),
    "linalg_ldl_factor_ex": ("LD", "pivots", "info"),
    "linalg_lstsq": ("solution", "residuals", "rank", "singular_values"),
    "linalg_lu": ("P", "L", "U"),
    "linalg_lu_factor": ("LU", "pivots"),
    "linalg_lu_factor_ex": ("LU", "pivots", "info"),
    "linalg_qr": ("Q", "R"),
    "linalg_slogdet": ("sign", "logabsdet"),
    "linalg_solve_ex": ("result", "info"),
    "linalg_svd": ("U", "S", "Vh"),
}.items():
    _make(_name, _fields)
del _name, _fields
