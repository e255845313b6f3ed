"""What BPMN scripts may do: the compile-time policy and the run-time guards.

``SandboxPolicy`` is RestrictedPython's transformer made stricter (no imports,
classes, ``format`` or escape-prone builtins) and rewritten so every loop
iteration and function call ticks a step budget, and every operator or string
method that can build a huge value first checks the size it would build.
``engine.sandbox`` runs the compiled code with ``SAFE_BUILTINS`` and ``GUARDS``.
"""

from __future__ import annotations

import ast
import itertools
import math
import operator
import re
import time
import types
from collections.abc import Callable, Iterable, Iterator, Mapping, MappingView
from contextvars import ContextVar
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any, Literal, NamedTuple, NoReturn, cast

from RestrictedPython import compile_restricted_eval, compile_restricted_exec, safe_builtins
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
)
from RestrictedPython.transformer import (
    INSPECT_ATTRIBUTES,
    IOPERATOR_TO_STR,
    RestrictingNodeTransformer,
)

from engine.errors import ScriptBudgetExceeded, ScriptError, ScriptRefused

__all__ = [
    "FORBIDDEN_CALLS",
    "GUARDS",
    "MAX_ITEMS",
    "SAFE_BUILTINS",
    "SCRIPT_FILENAME",
    "Budget",
    "Compiled",
    "LongRange",
    "SandboxPolicy",
    "check_script",
    "compile_script",
    "current_budget",
]

SCRIPT_FILENAME = "<bpmn script>"
MAX_ITEMS = 1_000_000    # longest string or list one operation may build
MAX_INT_BITS = 100_000   # largest integer one operation may build (about 30,000 digits)
MAX_POWMOD_WORK = 10_000_000  # exponent bits times modulus bits one pow(b, e, m) may take
CHECK_EVERY = 16         # ticks between clock readings: reading the clock costs more than a tick
RANGE_CHUNK = 4096       # longer ranges charge the budget as C code iterates them

# Calling these could open files, run new code or reach object internals.
FORBIDDEN_CALLS = frozenset({
    "open", "compile", "type", "vars", "globals", "locals", "dir", "input", "breakpoint",
    "help", "exit", "quit", "memoryview", "object", "super", "iter", "setattr", "delattr",
    "hasattr", "classmethod", "staticmethod", "property",
})
# format() walks attributes inside the format string; mro() reaches the class tree.
REFUSED_ATTRIBUTES = frozenset({"format", "format_map", "mro"}) | INSPECT_ATTRIBUTES
_GROWING_OPS: dict[type[ast.operator], str] = {
    ast.Add: "_add_", ast.Mult: "_mul_", ast.Mod: "_mod_", ast.Pow: "_pow_",
    ast.LShift: "_lshift_",
}


def _call(name: str, *args: ast.expr, like: ast.AST) -> ast.Call:
    node = ast.Call(func=ast.Name(name, ast.Load()), args=list(args), keywords=[])
    return ast.fix_missing_locations(ast.copy_location(node, like))


def _splats(elements: list[ast.expr], *, like: ast.AST) -> ast.List:
    """The parts of a display or call, each starred part marked by ``_splat_``."""
    parts = [_call("_splat_", e.value, like=e) if isinstance(e, ast.Starred) else e
             for e in elements]
    return ast.fix_missing_locations(ast.copy_location(ast.List(parts, ast.Load()), like))


class SandboxPolicy(RestrictingNodeTransformer):
    """RestrictedPython's rules, stricter, with budget ticks and size guards woven in."""

    def _tick(self, like: ast.AST) -> ast.stmt:
        return ast.copy_location(ast.Expr(_call("_tick_", like=like)), like)

    def visit_Import(self, node: ast.Import) -> ast.AST:
        self.error(node, "imports are not allowed; scripts get their helpers without them")
        return node

    def visit_ImportFrom(self, node: ast.ImportFrom) -> ast.AST:
        self.error(node, "imports are not allowed; scripts get their helpers without them")
        return node

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.AST:
        self.error(node, "class definitions are not allowed in scripts")
        return self.node_contents_visit(node)

    def visit_Call(self, node: ast.Call) -> Any:
        func, args = node.func, node.args
        if isinstance(func, ast.Name) and func.id in FORBIDDEN_CALLS:
            self.error(node, f"{func.id}() is not available in scripts")
        elif (isinstance(func, ast.Name) and func.id == "getattr" and len(args) > 1
              and isinstance(args[1], ast.Constant) and isinstance(args[1].value, str)
              and args[1].value.startswith("_")):
            self.error(node, f"the attribute {args[1].value!r} is private (it starts with '_')")
        node = cast(ast.Call, super().visit_Call(node))
        if any(isinstance(arg, ast.Starred) for arg in node.args):  # f(*rows, *rows), likewise
            spread = _call("_spread_", ast.Constant("tuple"), _splats(node.args, like=node),
                           like=node)
            node.args = [ast.copy_location(ast.Starred(spread, ast.Load()), node)]
        return node

    def visit_Attribute(self, node: ast.Attribute) -> Any:
        if node.attr in ("format", "format_map"):
            self.error(node, f".{node.attr}() is not allowed (it can read private "
                             "attributes); use an f-string instead")
        elif node.attr == "mro":
            self.error(node, "mro() is not allowed in scripts")
        return super().visit_Attribute(node)

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        node = self.node_contents_visit(node)
        guard = _GROWING_OPS.get(type(node.op))
        return node if guard is None else _call(guard, node.left, node.right, like=node)

    def visit_AugAssign(self, node: ast.AugAssign) -> Any:
        # RestrictedPython refuses `totals[k] += 1`; route it through a guarded helper.
        target = node.target
        if isinstance(target, ast.Subscript) and not isinstance(target.slice, ast.Slice):
            op = ast.Constant(IOPERATOR_TO_STR[type(node.op)])
            call = _call("_augitem_", self.visit(target.value), self.visit(target.slice), op,
                         self.visit(node.value), like=node)
            return ast.copy_location(ast.Expr(call), node)
        return super().visit_AugAssign(node)

    def visit_FormattedValue(self, node: ast.FormattedValue) -> Any:
        # f"{x:>{n}}" could pad to gigabytes, f"{rows}" spell out a list shared a million
        # times: format every field through a guard that checks widths and sizes first.
        node = cast(ast.FormattedValue, super().visit_FormattedValue(node))
        spec = node.format_spec or ast.Constant("")
        value = _call("_format_", node.value, ast.Constant(node.conversion), spec, like=node)
        return ast.copy_location(ast.FormattedValue(value, -1, None), node)

    def visit_List(self, node: ast.List) -> Any:
        return self._spread(cast(ast.List, self.node_contents_visit(node)), "list")

    def visit_Tuple(self, node: ast.Tuple) -> Any:
        return self._spread(cast(ast.Tuple, self.node_contents_visit(node)), "tuple")

    def visit_Set(self, node: ast.Set) -> Any:
        return self._spread(cast(ast.Set, self.node_contents_visit(node)), "set")

    def _spread(self, node: ast.List | ast.Tuple | ast.Set, kind: str) -> ast.expr:
        # [*rows, *rows] doubles in C code: build displays with a starred part through a guard.
        if isinstance(getattr(node, "ctx", ast.Load()), ast.Store) or \
                not any(isinstance(e, ast.Starred) for e in node.elts):
            return node
        return _call("_spread_", ast.Constant(kind), _splats(node.elts, like=node), like=node)

    def visit_For(self, node: ast.For) -> ast.AST:
        node = cast(ast.For, super().visit_For(node))
        node.body.insert(0, self._tick(node))
        return node

    def visit_While(self, node: ast.While) -> ast.AST:
        node = cast(ast.While, super().visit_While(node))
        node.body.insert(0, self._tick(node))
        return node

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        node = cast(ast.FunctionDef, super().visit_FunctionDef(node))
        node.body.insert(0, self._tick(node))
        return node

    def visit_Lambda(self, node: ast.Lambda) -> ast.AST:
        node = cast(ast.Lambda, super().visit_Lambda(node))
        body = ast.BoolOp(ast.Or(), [_call("_tick_", like=node.body), node.body])
        node.body = ast.copy_location(body, node.body)  # _tick_() is None, so `or` yields body
        return node

    def visit_comprehension(self, node: ast.comprehension) -> ast.AST:
        node = cast(ast.comprehension, super().visit_comprehension(node))
        tick = ast.UnaryOp(ast.Not(), _call("_tick_", like=node.iter))
        node.ifs.insert(0, ast.copy_location(tick, node.iter))
        return node


class Compiled(NamedTuple):
    code: types.CodeType | None
    problems: tuple[tuple[int | None, str], ...]
    refused: bool  # False when the only problem is a syntax error


_ERROR_LINE = re.compile(r"Line (\d+|None): (.*)", re.S)


def _syntax_problem(err: Exception) -> tuple[int | None, str]:
    return getattr(err, "lineno", None), f"syntax error: {getattr(err, 'msg', None) or err}"


def _policy_problem(text: str) -> tuple[int | None, str]:
    match = _ERROR_LINE.match(text)
    if match is None:
        return None, text
    line = match.group(1)
    return (int(line) if line.isdigit() else None), match.group(2).rstrip(".")


@lru_cache(maxsize=4096)
def compile_script(source: str, mode: Literal["exec", "eval"] = "exec") -> Compiled:
    """Compile a script under the sandbox policy, caching by source and mode."""
    try:
        tree = cast(ast.Module | ast.Expression, ast.parse(source, SCRIPT_FILENAME, mode))
        compile_ = compile_restricted_exec if mode == "exec" else compile_restricted_eval
        # compile() itself finds some errors, e.g. `return` outside a function.
        result = compile_(tree, filename=SCRIPT_FILENAME, policy=SandboxPolicy)
    except (SyntaxError, ValueError, Warning) as err:  # ValueError: NUL bytes
        return Compiled(None, (_syntax_problem(err),), refused=False)
    problems = tuple(dict.fromkeys(_policy_problem(e) for e in result.errors))
    return Compiled(None if problems else result.code, problems, refused=bool(problems))


def check_script(source: str, *,
                 mode: Literal["exec", "eval"] = "exec") -> list[tuple[int | None, str]]:
    """Return (line, plain-language reason) for all the sandbox would refuse, syntax errors too."""
    return sorted(compile_script(source, mode).problems, key=lambda p: (p[0] or 0, p[1]))


class Budget:
    """Steps and wall time one script run may use; once exceeded, every tick fails."""

    __slots__ = ("deadline", "failure", "next_check", "step_budget", "steps", "time_budget")

    def __init__(self, step_budget: int, time_budget: float) -> None:
        self.steps = 0
        self.step_budget = step_budget
        self.time_budget = time_budget
        self.deadline = time.monotonic() + time_budget
        self.next_check = min(CHECK_EVERY, step_budget + 1)
        self.failure: ScriptError | None = None

    def tick(self) -> None:
        self.steps += 1
        if self.steps >= self.next_check:
            self.check()

    def charge(self, steps: int) -> None:
        self.steps += steps
        if self.steps >= self.next_check:
            self.check()

    def check(self) -> None:
        if self.failure is not None:
            raise type(self.failure)(self.failure.message)
        if self.steps > self.step_budget:
            self.fail(ScriptBudgetExceeded(
                f"the script took more than {self.step_budget:,} steps (loop rounds and calls)"))
        if time.monotonic() > self.deadline:
            self.fail(ScriptBudgetExceeded(f"the script ran longer than {self.time_budget:g} s"))
        self.next_check = min(self.steps + CHECK_EVERY, self.step_budget + 1)

    def fail(self, error: ScriptError) -> NoReturn:
        # Sticky: a script that catches the error still fails at its next tick and at the end.
        if self.failure is None:
            self.failure = error
        self.next_check = 0
        raise error


current_budget: ContextVar[Budget | None] = ContextVar("liaison_script_budget", default=None)


def _fail(error: ScriptError) -> NoReturn:
    budget = current_budget.get()
    if budget is not None:
        budget.fail(error)
    raise error


def _refuse(reason: str) -> NoReturn:
    _fail(ScriptRefused(reason))


def _check_items(count: int) -> None:
    if count > MAX_ITEMS:
        _fail(ScriptBudgetExceeded(
            f"the result would hold {count:,} items or characters; the limit is {MAX_ITEMS:,}"))


def _check_bits(bits: float) -> None:
    if bits > MAX_INT_BITS:
        _fail(ScriptBudgetExceeded(f"the number would have about {int(bits * 0.30103):,} "
                                   f"digits; the limit is {MAX_INT_BITS * 3 // 10:,}"))


_SIZED = (str, bytes, list, tuple)


def _weight(seq: Any) -> int:
    """Count a sequence's items plus the length of the strings and lists inside it."""
    if isinstance(seq, (str, bytes)):
        return len(seq)
    return len(seq) + sum(len(item) for item in seq if isinstance(item, _SIZED))


def _check_add(a: Any, b: Any) -> None:
    if isinstance(a, _SIZED) and isinstance(b, _SIZED):
        _check_items(len(a) + len(b))


def _check_mul(a: Any, b: Any) -> None:
    if isinstance(a, int) and isinstance(b, int):
        if a and b:
            _check_bits(a.bit_length() + b.bit_length())
    elif isinstance(b, int) and isinstance(a, _SIZED) and b > 1:
        _check_items(_weight(a) * b)
    elif isinstance(a, int) and isinstance(b, _SIZED) and a > 1:
        _check_items(_weight(b) * a)


def _check_pow(a: Any, b: Any) -> None:
    if isinstance(a, int) and isinstance(b, int) and b > 0 and abs(a) > 1:
        _check_bits(math.log2(abs(a)) * b)


def _check_lshift(a: Any, b: Any) -> None:
    if isinstance(a, int) and isinstance(b, int) and a and b > 0:
        _check_bits(a.bit_length() + b)


_PRINTF_FIELD = re.compile(r"%(?:\([^)]*\))?[#0 +-]*(\*|\d+)?(?:\.(\*|\d+))?")
_DIGITS = re.compile(r"\d+")


def _check_width(digits: str) -> None:
    _check_items(MAX_ITEMS + 1 if len(digits) > 9 else int(digits))


def _check_mod(a: Any, b: Any) -> None:
    # '%10000000000d' % 1 pads in C, '%s' % rows may spell out a huge list: check first.
    if not isinstance(a, (str, bytes)):
        return
    _check_text(b)
    fields = _PRINTF_FIELD.findall(a if isinstance(a, str) else a.decode("latin-1"))
    numbers = [n for field in fields for n in field if n]
    for n in numbers:
        if n != "*":
            _check_width(n)
    if "*" in numbers:
        for arg in b if isinstance(b, tuple) else (b,):
            if isinstance(arg, int):
                _check_items(abs(arg))


def _guarded(check: Callable[[Any, Any], None],
             op: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def guarded(a: Any, b: Any) -> Any:
        check(a, b)
        return op(a, b)
    return guarded


_INPLACE: dict[str, Callable[[Any, Any], Any]] = {
    "+=": _guarded(_check_add, operator.iadd), "-=": operator.isub,
    "*=": _guarded(_check_mul, operator.imul), "/=": operator.itruediv,
    "//=": operator.ifloordiv, "%=": _guarded(_check_mod, operator.imod),
    "**=": _guarded(_check_pow, operator.ipow), "<<=": _guarded(_check_lshift, operator.ilshift),
    ">>=": operator.irshift, "&=": operator.iand, "|=": operator.ior, "^=": operator.ixor,
    "@=": operator.imatmul,
}


def guarded_inplacevar(op: str, target: Any, value: Any) -> Any:
    return _INPLACE[op](target, value)


def guarded_augitem(container: Any, key: Any, op: str, value: Any) -> None:
    full_write_guard(container)[key] = guarded_inplacevar(op, container[key], value)


def guarded_pow(base: Any, exp: Any, mod: Any = None) -> Any:
    if mod is None:
        _check_pow(base, exp)
        return pow(base, exp)
    # One C call squares once per bit of exp, each square as long as mod: cap the product.
    if isinstance(exp, int) and isinstance(mod, int) and \
            exp.bit_length() * mod.bit_length() > MAX_POWMOD_WORK:
        _fail(ScriptBudgetExceeded("pow() with a modulus this large would take too long"))
    return pow(base, exp, mod)


_LEAF_WEIGHT = 32  # a generous length for the text of a number, date or other plain value


def text_weight(value: Any, limit: int) -> int:
    """Estimate how long ``repr(value)`` is, counting each shared part every time it occurs.

    ``[row] * 1000`` costs little memory, but its text repeats ``row`` a
    thousand times. The walk stops once past ``limit``, so it costs at most that.
    """
    total, stack = 0, [value]
    while stack and total <= limit:
        item = stack.pop()
        if isinstance(item, (str, bytes)):
            total += len(item) + 3
        elif isinstance(item, int):
            total += item.bit_length() // 3 + 2
        elif isinstance(item, Mapping):
            total += 2 + 4 * len(item)
            if total <= limit:
                stack.extend(item.keys())
                stack.extend(item.values())
        elif isinstance(item, (list, tuple, set, frozenset, MappingView)):
            total += 2 + 2 * len(item)
            if total <= limit:
                stack.extend(cast(Iterable[Any], item))
        elif isinstance(item, BaseException):
            total += _LEAF_WEIGHT
            stack.extend(item.args)
        else:
            total += _LEAF_WEIGHT
    return total


def _check_text(value: Any) -> None:
    if not isinstance(value, (str, int, float)) and text_weight(value, MAX_ITEMS) > MAX_ITEMS:
        _fail(ScriptBudgetExceeded(f"the text of this value would be longer than the limit "
                                   f"of {MAX_ITEMS:,} characters"))


def guarded_repr(value: Any) -> str:
    _check_text(value)
    return repr(value)


def guarded_ascii(value: Any) -> str:
    _check_text(value)
    return ascii(value)


class _TextType(type):
    """``str`` as scripts see it: ``str(x)`` checks the size of the text before building it.

    To isinstance() and to attribute lookup it is ``str`` itself.
    """

    def __call__(cls, *args: Any, **kwargs: Any) -> str:
        if args:
            _check_text(args[0])
        return str(*args, **kwargs)

    def __instancecheck__(cls, instance: Any) -> bool:
        return isinstance(instance, str)

    def __subclasscheck__(cls, subclass: type) -> bool:
        return issubclass(subclass, str)

    def __getattr__(cls, name: str) -> Any:
        return getattr(str, name)

    def __repr__(cls) -> str:
        return repr(str)


class guarded_str(metaclass=_TextType):
    __slots__ = ()


_CONVERSIONS: dict[int, Callable[[Any], str]] = {
    ord("s"): cast(Callable[[Any], str], guarded_str), ord("r"): guarded_repr,
    ord("a"): guarded_ascii}


def guarded_format(value: Any, conversion: int, spec: str) -> str:
    if conversion != -1:  # f"{x!r:>8}" converts first, then formats
        value = _CONVERSIONS[conversion](value)
    else:
        _check_text(value)
    for digits in _DIGITS.findall(spec):
        _check_width(digits)
    return format(value, spec)


def guarded_sum(items: Any, /, start: Any = 0) -> Any:
    """sum(); lists and tuples are joined one by one within the size limit, in linear time."""
    if not isinstance(start, (list, tuple)):
        return sum(items, start)  # numbers: C code adds them in linear time
    budget = current_budget.get()
    total = list(start)
    for item in items:
        if budget is not None:
            budget.tick()
        if not isinstance(item, type(start)):
            raise TypeError(f"can only concatenate {type(start).__name__} "
                            f"(not {type(item).__name__!r}) to {type(start).__name__}")
        _check_items(len(total) + len(item))
        total.extend(item)
    return total if isinstance(start, list) else tuple(total)


def _spread(kind: str, parts: list[Any]) -> Any:
    """Build a list, tuple or set display, or call arguments, that has starred parts."""
    built: list[Any] = []
    for part in parts:
        if type(part) is not _Splat:
            built.append(part)
        else:
            _extend_within_limit(built, part.items)
    return built if kind == "list" else tuple(built) if kind == "tuple" else set(built)


class _Splat(NamedTuple):
    items: Any


def _extend_within_limit(target: list[Any], items: Any) -> None:
    if hasattr(items, "__len__"):
        _check_items(len(target) + len(items))
        target.extend(items)
        return
    for item in items:  # an iterator: count as it goes, so nothing huge is built first
        if len(target) >= MAX_ITEMS:
            _check_items(len(target) + 1)
        target.append(item)


class _ListWrites:
    """A list as the target of ``rows[i] = ...``: a slice may not grow it past the limit."""

    __slots__ = ("_list",)

    def __init__(self, target: list[Any]) -> None:
        self._list = target

    def __setitem__(self, key: Any, value: Any) -> None:
        if isinstance(key, slice):  # rows[:0] = rows doubles it
            value = value if isinstance(value, (list, tuple, str)) else list(value)
            _check_items(len(self._list) + len(value))
        self._list[key] = value

    def __delitem__(self, key: Any) -> None:
        del self._list[key]


def guarded_write(target: Any) -> Any:
    return _ListWrites(target) if type(target) is list else full_write_guard(target)


def _longest_replacement(table: Any) -> int:
    if isinstance(table, Mapping):
        values: Any = table.values()
    elif isinstance(table, (list, tuple, str)):
        values = table
    else:
        _refuse("translate() takes a dict or a list as its table")
    return max((len(v) for v in values if isinstance(v, str)), default=1)


def _join(text: Any, method: Callable[..., Any]) -> Callable[..., Any]:
    def join(iterable: Any) -> Any:
        items: list[Any] = []
        size = 0
        for item in iterable:  # count as the items come, so a generator builds nothing huge
            size += (len(item) if isinstance(item, (str, bytes)) else 0) + len(text)
            _check_items(size)
            items.append(item)
        return method(items)
    return join


def _check_replace(text: Any, old: Any, new: Any, count: int = -1) -> None:
    found = text.count(old)
    found = min(found, count) if count >= 0 else found
    _check_items(len(text) + found * max(len(new) - len(old), 0))


def _check_expandtabs(text: Any, tabsize: int = 8) -> None:
    _check_items(len(text) + text.count("\t" if isinstance(text, str) else b"\t")
                 * max(tabsize, 0))


def _check_pad(_text: Any, width: int, *_fill: Any) -> None:
    _check_items(width)


def _check_translate(text: Any, table: Any) -> None:
    if isinstance(text, str):  # bytes.translate maps byte to byte: it cannot grow
        _check_items(len(text) * _longest_replacement(table))


def _check_to_bytes(_number: int, length: int = 1, *_args: Any, **_kwargs: Any) -> None:
    _check_items(length)


# Methods whose result can be far larger than the value they are called on: the types
# they grow on, and a check of the size they would build, given the value and the arguments.
_GROWING_METHODS: dict[str, tuple[tuple[type, ...], Callable[..., None] | None]] = {
    "ljust": ((str, bytes), _check_pad), "rjust": ((str, bytes), _check_pad),
    "center": ((str, bytes), _check_pad), "zfill": ((str, bytes), _check_pad),
    "expandtabs": ((str, bytes), _check_expandtabs), "replace": ((str, bytes), _check_replace),
    "translate": ((str, bytes), _check_translate), "join": ((str, bytes), None),
    "to_bytes": ((int,), _check_to_bytes), "extend": ((list,), None),
}


def _guard_method(owner: Any, name: str, method: Callable[..., Any]) -> Callable[..., Any]:
    if name == "join":
        return _join(owner, method)
    if name == "extend":
        return lambda items: _extend_within_limit(owner, items)
    check = _GROWING_METHODS[name][1]
    assert check is not None

    def guarded(*args: Any, **kwargs: Any) -> Any:
        check(owner, *args, **kwargs)
        return method(*args, **kwargs)
    return guarded


def guarded_getattr(obj: Any, name: str, *default: Any) -> Any:
    if type(name) is not str:
        raise TypeError("an attribute name must be a string")
    if name.startswith("_"):
        _refuse(f"the attribute {name!r} is private (it starts with '_')")
    if name in REFUSED_ATTRIBUTES:
        _refuse(f"the attribute {name!r} is not allowed in scripts")
    value = getattr(obj, name, *default)
    if name in _GROWING_METHODS:
        kinds = _GROWING_METHODS[name][0]
        if isinstance(obj, kinds):
            return _guard_method(obj, name, value)
        cls = str if obj is guarded_str else obj
        if isinstance(cls, type) and issubclass(cls, kinds):
            _refuse(f"call .{name}() on a value, not on {cls.__name__}")
    return value


def _metered(numbers: range) -> Iterator[int]:
    # A range handed back to SpiffWorkflow is iterated after the run: give it a budget of its own.
    budget = current_budget.get() or Budget(100_000, 2.0)
    for start in itertools.count(0, RANGE_CHUNK):
        part = numbers[start:start + RANGE_CHUNK]
        if not part:
            return
        budget.charge(len(part))
        yield from part


class LongRange:
    """A range too long for C code to iterate freely: iterating it charges the step budget."""

    __slots__ = ("_range",)

    def __init__(self, numbers: range) -> None:
        self._range = numbers

    def __iter__(self) -> Iterator[int]:
        return _metered(self._range)

    def __reversed__(self) -> Iterator[int]:
        return _metered(self._range[::-1])

    def __len__(self) -> int:
        return len(self._range)

    def __contains__(self, item: object) -> bool:
        return item in self._range

    def __getitem__(self, index: Any) -> Any:
        item = self._range[index]
        return _wrap_range(item) if isinstance(item, range) else item

    def __repr__(self) -> str:
        return repr(self._range)

    start = property(lambda self: self._range.start)
    stop = property(lambda self: self._range.stop)
    step = property(lambda self: self._range.step)

    def count(self, value: Any) -> int:
        return self._range.count(value)

    def index(self, value: Any) -> int:
        return self._range.index(value)


def _wrap_range(numbers: range) -> range | LongRange:
    try:
        return numbers if len(numbers) <= RANGE_CHUNK else LongRange(numbers)
    except OverflowError:  # longer than sys.maxsize
        return LongRange(numbers)


def guarded_range(*args: Any) -> range | LongRange:
    return _wrap_range(range(*args))


# C code such as date.today() and datetime.strptime() imports these through the
# calling frame's __builtins__; scripts cannot name __import__ themselves.
_C_IMPORTS = frozenset({"time", "_strptime"})


def _import_for_c_code(name: str, globals: Any = None, locals: Any = None,
                       fromlist: Any = (), level: int = 0) -> Any:
    if name in _C_IMPORTS and level == 0:
        return __import__(name, globals, locals, fromlist, level)
    _refuse(f"importing {name!r} is not allowed")


def _apply(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    return func(*args, **kwargs)


class _NoPrint:
    """Swallow print(): scripts have no console, and a log could be flooded."""

    def __init__(self, _getattr_: object = None) -> None:
        pass

    def _call_print(self, *objects: object, **kwargs: object) -> None:
        pass

    def __call__(self) -> str:
        return ""


_MATH = types.SimpleNamespace(**{name: getattr(math, name) for name in (
    "ceil", "floor", "trunc", "sqrt", "exp", "log", "log2", "log10", "fabs", "fsum", "isclose",
    "isfinite", "isinf", "isnan", "gcd", "pi", "e", "inf", "nan")})

_UNSAFE_DEFAULTS = {"__build_class__", "_getattr_", "setattr", "delattr", "pow", "range",
                    "BaseException", "SystemExit", "KeyboardInterrupt", "GeneratorExit"}
SAFE_BUILTINS: dict[str, Any] = {
    **{k: v for k, v in safe_builtins.items() if k not in _UNSAFE_DEFAULTS},
    "len": len, "min": min, "max": max, "sorted": sorted, "enumerate": enumerate,
    "zip": zip, "dict": dict, "list": list, "tuple": tuple, "set": set, "frozenset": frozenset,
    "int": int, "float": float, "bool": bool, "abs": abs, "round": round,
    "any": any, "all": all, "isinstance": isinstance, "reversed": reversed, "map": map,
    "filter": filter, "range": guarded_range, "pow": guarded_pow, "getattr": guarded_getattr,
    "str": guarded_str, "repr": guarded_repr, "ascii": guarded_ascii, "sum": guarded_sum,
    "datetime": datetime, "date": date, "timedelta": timedelta, "math": _MATH,
}
GUARDS: dict[str, Any] = {
    "_getattr_": guarded_getattr, "_getitem_": operator.getitem, "_getiter_": iter,
    "_write_": guarded_write, "_inplacevar_": guarded_inplacevar,
    "_augitem_": guarded_augitem, "_unpack_sequence_": guarded_unpack_sequence,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence, "_apply_": _apply,
    "_spread_": _spread, "_splat_": _Splat,
    "_print_": _NoPrint, "_print": _NoPrint(), "_format_": guarded_format,
    "_add_": _guarded(_check_add, operator.add), "_mul_": _guarded(_check_mul, operator.mul),
    "_mod_": _guarded(_check_mod, operator.mod), "_pow_": guarded_pow,
    "_lshift_": _guarded(_check_lshift, operator.lshift), "__import__": _import_for_c_code,
}
