"""Which tables a SQL model reads, found by parsing it (sqlglot, DuckDB dialect).

A reference is a table in a ``from`` or ``join``; the model's own CTEs are not references, and
neither are words inside strings, comments or function syntax (``extract(year from d)``,
``trim(both ' ' from s)``). A model may call a table macro of ``transforms/macros/``: it then
reads every table the macro's body reads, and the table it hands the macro by name (a string
argument the macro passes to ``query_table``).
"""

from __future__ import annotations

import dataclasses
import re

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

DIALECT = "duckdb"

# The fixed head of a macro file; its body (after ``as table``) is parsed like a model.
_MACRO_HEAD = re.compile(
    r"^\s*create\s+(?:or\s+replace\s+)?(?:temp\s+|temporary\s+)?macro\s+"
    r"(?P<name>[a-z][a-z0-9_]*)\s*\((?P<parameters>[^)]*)\)\s+as\s+table\s+(?P<body>.*)$",
    re.IGNORECASE | re.DOTALL,
)


class DependencyError(ValueError):
    """A model or macro file cannot be parsed; the message names the file."""


@dataclasses.dataclass(frozen=True)
class Macro:
    """A DuckDB table macro: its parameters, the tables its body reads and which parameters
    name a table it reads through ``query_table``."""

    name: str
    parameters: tuple[str, ...]
    reads: frozenset[str]
    table_parameters: frozenset[int]
    calls: frozenset[str]


def _parse(sql: str, origin: str) -> exp.Expression:
    try:
        statements = [s for s in sqlglot.parse(sql, read=DIALECT) if s is not None]
    except SqlglotError as exc:
        raise DependencyError(f"{origin} is not valid SQL for DuckDB: {exc}") from exc
    if len(statements) != 1:
        raise DependencyError(f"{origin} holds {len(statements)} statements, not one query")
    return statements[0]


def _cte_names(tree: exp.Expression) -> set[str]:
    return {cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE)}


def _string_argument(call: exp.Func, position: int) -> str | None:
    arguments = call.expressions
    if position < len(arguments) and isinstance(arguments[position], exp.Literal):
        literal = arguments[position]
        return literal.this.lower() if literal.is_string else None
    return None


def _table_calls(tree: exp.Expression) -> list[exp.Func]:
    """Table functions in ``from``/``join``: ``from some_macro(...)``, ``query_table('t')``."""
    return [table.this for table in tree.find_all(exp.Table) if isinstance(table.this, exp.Func)]


def _function_name(call: exp.Func) -> str:
    return (call.name if isinstance(call, exp.Anonymous) else call.sql_name()).lower()


def references(
    sql: str, macros: dict[str, Macro] | None = None, *, origin: str = "query"
) -> set[str]:
    """The tables ``sql`` reads, its own CTEs left out (lowercase names)."""
    macros = macros or {}
    tree = _parse(sql, origin)
    found = {
        table.name.lower()
        for table in tree.find_all(exp.Table)
        if isinstance(table.this, exp.Identifier)
    }
    for call in _table_calls(tree):
        name = _function_name(call)
        if name == "query_table" and (argument := _string_argument(call, 0)):
            found.add(argument)
        if name in macros:
            found |= macro_reads(name, macros)
            for position in macros[name].table_parameters:
                if argument := _string_argument(call, position):
                    found.add(argument)
    return found - _cte_names(tree)


def parse_macro(sql: str, *, origin: str) -> Macro:
    """A macro file: ``create or replace temp macro <name>(<parameters>) as table <query>``."""
    head = _MACRO_HEAD.match(_without_leading_comments(sql))
    if head is None:
        raise DependencyError(
            f"{origin} must hold one 'create or replace temp macro <name>(...) as table <query>'"
        )
    parameters = tuple(
        p.split(":=", 1)[0].strip().lower() for p in head["parameters"].split(",") if p.strip()
    )
    tree = _parse(head["body"], origin)
    ctes = _cte_names(tree)
    reads = {
        table.name.lower()
        for table in tree.find_all(exp.Table)
        if isinstance(table.this, exp.Identifier)
    } - ctes
    table_parameters = set()
    calls = set()
    for call in _table_calls(tree):
        name = _function_name(call)
        if name == "query_table" and call.expressions:
            argument = call.expressions[0]
            if isinstance(argument, exp.Column) and argument.name.lower() in parameters:
                table_parameters.add(parameters.index(argument.name.lower()))
            elif literal := _string_argument(call, 0):
                reads.add(literal)
        elif name != "query_table":
            calls.add(name)
    return Macro(
        name=head["name"].lower(),
        parameters=parameters,
        reads=frozenset(reads - set(parameters)),
        table_parameters=frozenset(table_parameters),
        calls=frozenset(calls),
    )


def macro_reads(name: str, macros: dict[str, Macro]) -> set[str]:
    """Every table macro ``name`` reads, through the macros it calls too."""
    seen: set[str] = set()
    reads: set[str] = set()
    pending = [name]
    while pending:
        current = pending.pop()
        if current in seen or current not in macros:
            continue
        seen.add(current)
        reads |= macros[current].reads
        pending.extend(macros[current].calls)
    return reads


def macro_order(macros: dict[str, Macro]) -> list[str]:
    """Macro names, each after the macros it calls (DuckDB binds a call when it is created)."""
    order: list[str] = []

    def visit(name: str, path: tuple[str, ...]) -> None:
        if name in order or name not in macros:
            return
        if name in path:
            raise DependencyError(f"macros call each other in a cycle through {name}")
        for called in sorted(macros[name].calls):
            visit(called, (*path, name))
        order.append(name)

    for name in sorted(macros):
        visit(name, ())
    return order


def _without_leading_comments(sql: str) -> str:
    lines = sql.splitlines()
    while lines and (not lines[0].strip() or lines[0].lstrip().startswith("--")):
        lines.pop(0)
    return "\n".join(lines)
