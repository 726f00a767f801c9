"""A list bound as one parameter: `column IN` the list, rendered once, prepared once.

SQLAlchemy's expanding IN renders one placeholder per value at every execution: for fifty
candidates across the evidence routing reads, some three hundred placeholders rendered per
decision (about a millisecond of Python, more than the reads' own index lookups), and a new
SQL text on PostgreSQL whenever the count changes. Bound whole, the statement is compiled
once and the list is one value: an array on PostgreSQL (`= ANY`), a JSON array on SQLite
(`IN (SELECT value FROM json_each(...))`, which SQLite turns into index probes).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Boolean, Integer, String, bindparam
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import TypeDecorator, TypeEngine


class BoundList(TypeDecorator[list[Any]]):
    """Integers (or, with `text`, strings) as one bind value: an array on PostgreSQL,
    JSON text elsewhere."""

    impl = String
    cache_ok = True

    def __init__(self, text: bool = False) -> None:
        super().__init__()
        self.text = text

    def load_dialect_impl(self, dialect: Any) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(ARRAY(String if self.text else Integer))
        return dialect.type_descriptor(String())

    def process_bind_param(self, value: Iterable[Any] | None, dialect: Any) -> Any:
        items = [str(v) if self.text else int(v) for v in value or ()]
        return items if dialect.name == "postgresql" else json.dumps(items)


class _Among(FunctionElement[bool]):
    type = Boolean()
    name = "among"
    inherit_cache = True
    _is_implicitly_boolean = True  # a condition as it stands, not a value to compare with 1


def among(column: Any, name: str) -> Any:
    """`column` is one of the values in bind parameter `name` (any iterable of them)."""
    text = not isinstance(column.type, Integer)
    return _Among(column, bindparam(name, type_=BoundList(text)))


@compiles(_Among, "postgresql")
def _any(element: _Among, compiler: Any, **kw: Any) -> str:
    column, values = element.clauses
    return f"{compiler.process(column, **kw)} = ANY({compiler.process(values, **kw)})"


@compiles(_Among)
def _json_each(element: _Among, compiler: Any, **kw: Any) -> str:
    column, values = element.clauses
    listed = f"SELECT value FROM json_each({compiler.process(values, **kw)})"
    return f"{compiler.process(column, **kw)} IN ({listed})"
