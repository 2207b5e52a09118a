"""Label selectors: one parser and one matcher, with the Kubernetes rules.

Two forms reach podwatch, and each becomes a `Selector`:
- text, as `kubectl -l` and the `/` filter's `-l` take it (`parse`, the grammar of
  apimachinery's labels.Parse): `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`,
  `a`, `!a`, `a>1`, `a<1`; a comma is "and"; whitespace between tokens is allowed;
  label keys and values are checked as the API server checks them;
- a plain map (`from_map`): a Service's spec.selector, a pod's nodeSelector.

A malformed selector raises `SelectorError`, whose text says what is wrong; a caller
shows it, never an empty result in its place.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class SelectorError(ValueError):
    """A selector that cannot be parsed or is not valid."""


class Operator(StrEnum):
    EQUALS = "="
    DOUBLE_EQUALS = "=="
    NOT_EQUALS = "!="
    IN = "in"
    NOT_IN = "notin"
    EXISTS = "exists"
    DOES_NOT_EXIST = "!"
    GREATER_THAN = ">"
    LESS_THAN = "<"


_INTEGER = re.compile(r"[+-]?[0-9]+")
_INT64 = 2**63


def _integer(text: str) -> int | None:
    """Go's strconv.ParseInt(text, 10, 64), or None."""
    if not _INTEGER.fullmatch(text):
        return None
    value = int(text)
    return value if -_INT64 <= value < _INT64 else None


@dataclass(frozen=True, slots=True)
class Requirement:
    key: str
    operator: Operator
    values: tuple[str, ...] = ()
    """Sorted and without repeats (a set, as Kubernetes holds it)."""

    def matches(self, labels: Mapping[str, Any]) -> bool:
        """The rule of apimachinery's Requirement.Matches. A label whose value is not a
        string (a malformed object) counts as absent."""
        value = labels.get(self.key)
        has = isinstance(value, str)
        op = self.operator
        if op in (Operator.EQUALS, Operator.DOUBLE_EQUALS, Operator.IN):
            return has and value in self.values
        if op in (Operator.NOT_EQUALS, Operator.NOT_IN):
            return not has or value not in self.values
        if op is Operator.EXISTS:
            return has
        if op is Operator.DOES_NOT_EXIST:
            return not has
        # > and <: both sides integers, else no match
        if not has or len(self.values) != 1:
            return False
        mine, theirs = _integer(value), _integer(self.values[0])
        if mine is None or theirs is None:
            return False
        return mine > theirs if op is Operator.GREATER_THAN else mine < theirs

    def __str__(self) -> str:
        op = self.operator
        if op is Operator.EXISTS:
            return self.key
        if op is Operator.DOES_NOT_EXIST:
            return f"!{self.key}"
        if op in (Operator.IN, Operator.NOT_IN):
            return f"{self.key} {op} ({','.join(self.values)})"
        return f"{self.key}{op}{self.values[0] if self.values else ''}"


@dataclass(frozen=True, slots=True)
class Selector:
    """Requirements that must all hold. No requirements: every set of labels matches."""

    requirements: tuple[Requirement, ...] = ()
    nothing: bool = False
    """Matches no labels at all (a nil LabelSelector; a map that cannot match)."""

    def matches(self, labels: Mapping[str, Any]) -> bool:
        if self.nothing:
            return False
        return all(r.matches(labels) for r in self.requirements)

    def __and__(self, other: Selector) -> Selector:
        return Selector(self.requirements + other.requirements, self.nothing or other.nothing)

    def __str__(self) -> str:
        if self.nothing:
            return "<none>"
        return ",".join(str(r) for r in self.requirements)


EVERYTHING = Selector()
NOTHING = Selector(nothing=True)


# --------------------------------------------------------------------------- validity

_NAME = re.compile(r"([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]")
_DNS_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
_NAME_RULE = "letters, digits, '-', '_' or '.', starting and ending with a letter or digit"


def _check_key(key: str) -> None:
    """A qualified name, `[prefix/]name`, as labels.Parse checks a key."""
    prefix, slash, name = key.rpartition("/")
    if slash and (not prefix or "/" in prefix):
        raise SelectorError(f"invalid label key {key!r}: a key is [DNS-subdomain/]name")
    if prefix and (len(prefix) > 253 or not _DNS_SUBDOMAIN.fullmatch(prefix)):
        raise SelectorError(
            f"invalid label key {key!r}: its prefix must be a DNS subdomain "
            "(lowercase letters, digits, '-' and '.')"
        )
    if not name:
        raise SelectorError(f"invalid label key {key!r}: the name part is empty")
    if len(name) > 63:
        raise SelectorError(f"invalid label key {key!r}: the name is longer than 63 characters")
    if not _NAME.fullmatch(name):
        raise SelectorError(f"invalid label key {key!r}: the name must be {_NAME_RULE}")


def _check_value(key: str, value: str) -> None:
    if len(value) > 63:
        raise SelectorError(f"invalid value for {key!r}: longer than 63 characters")
    if value and not _NAME.fullmatch(value):
        raise SelectorError(f"invalid value {value!r} for {key!r}: must be empty or {_NAME_RULE}")


def requirement(
    key: str, operator: Operator, values: list[str] | tuple[str, ...] = ()
) -> Requirement:
    """A checked requirement (apimachinery's NewRequirement)."""
    _check_key(key)
    if operator in (Operator.IN, Operator.NOT_IN):
        if not values:
            raise SelectorError(f"{key} {operator} (): the set of values is empty")
    elif operator in (Operator.EXISTS, Operator.DOES_NOT_EXIST):
        if values:
            raise SelectorError(f"{key}: no values go with exists / does not exist")
    elif len(values) != 1:
        raise SelectorError(f"{key}{operator}: exactly one value is required")
    elif operator in (Operator.GREATER_THAN, Operator.LESS_THAN) and _integer(values[0]) is None:
        raise SelectorError(f"{key}{operator}{values[0]}: the value must be an integer")
    for value in values:
        _check_value(key, value)
    return Requirement(key, operator, tuple(sorted(set(values))))


# --------------------------------------------------------------------------- text

_SPECIAL = frozenset("=!(),<>")
_WHITESPACE = frozenset(" \t\r\n")
_OPERATORS = {
    "=": Operator.EQUALS,
    "==": Operator.DOUBLE_EQUALS,
    "!=": Operator.NOT_EQUALS,
    "in": Operator.IN,
    "notin": Operator.NOT_IN,
    ">": Operator.GREATER_THAN,
    "<": Operator.LESS_THAN,
}
_END = ""
_IDENT = "identifier"


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str
    """A symbol (`=`, `!=`, `(`...), "identifier", or "" for the end of the text."""
    text: str
    start: int
    end: int

    @property
    def shown(self) -> str:
        return "end of text" if self.kind == _END else repr(self.text)


def _lex(text: str) -> list[_Token]:
    tokens = []
    at = 0
    n = len(text)
    while True:
        while at < n and text[at] in _WHITESPACE:
            at += 1
        if at >= n:
            tokens.append(_Token(_END, "", n, n))
            return tokens
        if text[at] in _SPECIAL:
            size = 2 if text[at : at + 2] in ("!=", "==") else 1
            symbol = text[at : at + size]
            tokens.append(_Token(symbol, symbol, at, at + size))
            at += size
            continue
        start = at
        while at < n and text[at] not in _SPECIAL and text[at] not in _WHITESPACE:
            at += 1
        tokens.append(_Token(_IDENT, text[start:at], start, at))


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _lex(text)
        self.at = 0

    def peek(self) -> _Token:
        return self.tokens[self.at]

    def take(self) -> _Token:
        token = self.tokens[self.at]
        if token.kind != _END:
            self.at += 1
        return token

    def requirements(self, *, prefix: bool) -> tuple[list[Requirement], int]:
        """Requirements separated by commas, and where they end in the text. With
        `prefix`, the selector ends before a word that cannot continue it."""
        out: list[Requirement] = []
        while True:
            token = self.peek()
            if token.kind not in (_IDENT, "!"):
                if token.kind == _END and not prefix and not out:
                    return out, token.start  # "" selects everything
                want = "a label key or '!'"
                raise SelectorError(f"found {token.shown}, expected {want}")
            out.append(self.one(prefix=prefix))
            token = self.peek()
            if token.kind == ",":
                self.take()
                continue
            if token.kind == _END or (prefix and token.kind == _IDENT):
                return out, token.start
            raise SelectorError(f"found {token.shown}, expected ',' or the end")

    def one(self, *, prefix: bool) -> Requirement:
        token = self.take()
        negated = token.kind == "!"
        if negated:
            token = self.take()
        if token.kind != _IDENT:
            raise SelectorError(f"found {token.shown}, expected a label key")
        key = token.text
        after = self.peek()
        if negated:
            return requirement(key, Operator.DOES_NOT_EXIST)
        operator = _OPERATORS.get(after.text) if after.kind != _END else None
        if after.kind in (_END, ",") or (prefix and after.kind == _IDENT and operator is None):
            return requirement(key, Operator.EXISTS)
        if operator is None:
            raise SelectorError(
                f"found {after.shown} after {key!r}, expected an operator: "
                "=, ==, !=, in, notin, >, <, or ',' or the end"
            )
        self.take()
        if operator in (Operator.IN, Operator.NOT_IN):
            return requirement(key, operator, self.value_set(key, operator))
        return requirement(key, operator, [self.exact_value(key, operator)])

    def exact_value(self, key: str, operator: Operator) -> str:
        token = self.peek()
        if token.kind in (_END, ","):
            return ""  # `a=` is "a has the empty value"
        if token.kind != _IDENT:
            raise SelectorError(f"found {token.shown} after '{key}{operator}', expected a value")
        return self.take().text

    def value_set(self, key: str, operator: Operator) -> list[str]:
        token = self.take()
        if token.kind != "(":
            raise SelectorError(f"found {token.shown} after '{key} {operator}', expected '('")
        values: list[str] = []
        expect_value = True
        while True:
            token = self.take()
            if token.kind == ")":
                if expect_value and values:
                    values.append("")  # `(a,)`: the empty value, as Kubernetes reads it
                return values
            if token.kind == _IDENT and expect_value:
                values.append(token.text)
                expect_value = False
            elif token.kind == ",":
                if expect_value:
                    values.append("")  # `(,a)` or `(a,,b)`
                expect_value = True
            else:
                want = "a value or ')'" if expect_value else "',' or ')'"
                raise SelectorError(f"found {token.shown} in '{key} {operator} (', expected {want}")


def parse(text: str) -> Selector:
    """A label selector as `kubectl -l` takes it; "" selects everything."""
    requirements, _end = _Parser(text).requirements(prefix=False)
    return Selector(tuple(requirements))


def parse_prefix(text: str) -> tuple[Selector, int]:
    """The selector at the start of `text` and where it ends: for a line that goes on
    after it (`-l app in (a, b) crash` in the `/` filter). An empty one is an error."""
    requirements, end = _Parser(text).requirements(prefix=True)
    return Selector(tuple(requirements)), end


# --------------------------------------------------------------------------- structured


def from_map(selector: Any) -> Selector:
    """A map of equalities (Service spec.selector, nodeSelector): every pair must match.
    Not validated (the API server has); a value that is not a string matches nothing."""
    if not isinstance(selector, Mapping):
        return EVERYTHING if selector is None else NOTHING
    requirements = []
    for key, value in selector.items():
        if not isinstance(key, str) or not isinstance(value, str):
            return NOTHING
        requirements.append(Requirement(key, Operator.EQUALS, (value,)))
    return Selector(tuple(requirements))


_EXPRESSION_OPERATORS = {
    "In": Operator.IN,
    "NotIn": Operator.NOT_IN,
    "Exists": Operator.EXISTS,
    "DoesNotExist": Operator.DOES_NOT_EXIST,
}


def from_label_selector(selector: Any) -> Selector:
    """A LabelSelector object (a Deployment's, a Job's spec.selector): matchLabels and
    matchExpressions, all of which must hold, as apimachinery's LabelSelectorAsSelector
    reads it. None (nil) matches nothing; an empty one, everything; an expression it
    cannot read, nothing (the API server validated it: better no pods than wrong ones)."""
    if not isinstance(selector, Mapping):
        return NOTHING
    matched = from_map(selector.get("matchLabels") or {})
    if matched.nothing:
        return NOTHING
    requirements = list(matched.requirements)
    for expression in selector.get("matchExpressions") or ():
        if not isinstance(expression, Mapping):
            return NOTHING
        key, op = expression.get("key"), _EXPRESSION_OPERATORS.get(expression.get("operator"))
        values = expression.get("values") or []
        if not isinstance(key, str) or op is None or not isinstance(values, list):
            return NOTHING
        if not all(isinstance(v, str) for v in values):
            return NOTHING
        try:
            requirements.append(requirement(key, op, values))
        except SelectorError:
            return NOTHING
    return Selector(tuple(requirements))
