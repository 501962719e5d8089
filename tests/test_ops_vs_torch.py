"""Every op against PyTorch, one table: forward values/shapes/dtypes, gradients, second
derivatives. The rows live in ``tests/op_rows/*_rows.py``; the harness in ``tests/oracle.py``."""

import importlib
import pkgutil

import pytest

import tests.op_rows as op_rows
from tests.oracle import check

torch = pytest.importorskip("torch", reason="PyTorch (the oracle) is not installed")


def _rows():
    rows = []
    for mod in pkgutil.iter_modules(op_rows.__path__):
        if mod.name.endswith("_rows"):
            rows += importlib.import_module(f"tests.op_rows.{mod.name}").ROWS
    return rows


ROWS = _rows()


@pytest.mark.parametrize("row", ROWS, ids=[r.name for r in ROWS])
def test_op_matches_torch(row):
    check(row)


def test_row_names_unique():
    names = [r.name for r in ROWS]
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)
