"""Oracle rows, one module per op family; each module defines ``ROWS: list[Row]``."""
