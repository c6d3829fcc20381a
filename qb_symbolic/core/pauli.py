"""Two-qubit Pauli operators, Pauli-string labels, kets and Pauli decompositions.

Conventions (``docs/conventions.md``): basis ``|uu>, |ud>, |du>, |dd>`` with
``|u> = (1, 0)``, ``sz|u> = +|u>``; cell 1 is the left Kronecker factor. A Pauli
label is two upper-case letters from I, X, Y, Z, cell 1 first: ``"XY"`` is
``sx (x) sy``, ``"ZI"`` is ``sz`` on cell 1 (lower case is refused).

The reader of label expressions (``"J*(XX + YY) + B*ZI"``) is a tokenizer and a
recursive-descent parser: user text is never evaluated (see
:func:`parse_pauli_expression`). Everything is exact SymPy; no floats.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sympy as sp

#: The one-cell operators, by letter.
PAULI_MATRICES: dict[str, sp.Matrix] = {
    "I": sp.eye(2),
    "X": sp.Matrix([[0, 1], [1, 0]]),
    "Y": sp.Matrix([[0, -sp.I], [sp.I, 0]]),
    "Z": sp.Matrix([[1, 0], [0, -1]]),
}
#: Allowed letters of a Pauli label.
PAULI_LETTERS: str = "IXYZ"
#: All sixteen two-cell labels, in a fixed order (II, IX, ..., ZZ).
PAULI_LABELS: tuple[str, ...] = tuple(a + b for a in PAULI_LETTERS for b in PAULI_LETTERS)
#: Labels of the computational basis, in the package's order.
BASIS_LABELS: tuple[str, ...] = ("uu", "ud", "du", "dd")
#: Bell-state labels: (|uu> +- |dd>)/sqrt2 and (|ud> +- |du>)/sqrt2.
BELL_LABELS: tuple[str, ...] = ("phi+", "phi-", "psi+", "psi-")


def kron(a: sp.Matrix, b: sp.Matrix) -> sp.Matrix:
    """Kronecker product ``a (x) b`` with ``a`` acting on cell 1 (the left factor)."""
    return sp.kronecker_product(a, b)


def check_pauli_label(label: Any) -> str:
    """Return ``label`` if it is two upper-case letters from I, X, Y, Z, else ValueError."""
    allowed = "two letters from I, X, Y, Z, cell 1 first (e.g. XY, ZI)"
    if not isinstance(label, str):
        raise ValueError(f"a Pauli label must be a string of {allowed}; got {label!r}")
    if label != label.upper() and len(label) == 2 and set(label.upper()) <= set(PAULI_LETTERS):
        raise ValueError(f"Pauli labels are upper case: write {label.upper()!r}, not {label!r}")
    if len(label) != 2:
        raise ValueError(f"Pauli label {label!r} has {len(label)} letters; a label is {allowed}")
    bad = [c for c in label if c not in PAULI_LETTERS]
    if bad:
        raise ValueError(f"unknown letter {bad[0]!r} in label {label!r}; labels are {allowed}")
    return label


def pauli_string(label: str) -> sp.Matrix:
    """The 4x4 operator of a two-letter Pauli label, cell 1 first.

    Parameters
    ----------
    label
        Two upper-case letters from I, X, Y, Z: ``"XY"`` is ``sx (x) sy``.

    Raises
    ------
    ValueError
        For anything else, saying what is wrong (see :func:`check_pauli_label`).
    """
    check_pauli_label(label)
    return kron(PAULI_MATRICES[label[0]], PAULI_MATRICES[label[1]])


def sigma(axis: str, cell: int) -> sp.Matrix:
    """The 4x4 operator ``sigma_axis`` acting on cell 1 or cell 2.

    Parameters
    ----------
    axis
        ``"x"``, ``"y"`` or ``"z"`` (upper case accepted too).
    cell
        1 (``sigma (x) 1``, the left factor) or 2 (``1 (x) sigma``).

    Raises
    ------
    ValueError
        If ``axis`` is not x, y or z or ``cell`` is not 1 or 2.
    """
    if not isinstance(axis, str) or axis.upper() not in ("X", "Y", "Z"):
        raise ValueError(f"axis must be one of x, y, z; got {axis!r}")
    if isinstance(cell, bool) or cell not in (1, 2):
        raise ValueError(f"cell must be 1 or 2; got {cell!r}")
    return pauli_string(axis.upper() + "I" if cell == 1 else "I" + axis.upper())


def ket(label: str) -> sp.Matrix:
    """A basis ket or a Bell state as a normalised 4x1 column.

    Parameters
    ----------
    label
        ``"uu"``, ``"ud"``, ``"du"``, ``"dd"`` (``u`` = up, ``sz = +1``), or a
        Bell state: ``"phi+"``/``"phi-"`` = ``(|uu> +- |dd>)/sqrt2``,
        ``"psi+"``/``"psi-"`` = ``(|ud> +- |du>)/sqrt2``.

    Raises
    ------
    ValueError
        For any other label, listing the allowed ones.
    """
    if isinstance(label, str) and label in BASIS_LABELS:
        return sp.Matrix([int(label == basis) for basis in BASIS_LABELS])
    if isinstance(label, str) and label in BELL_LABELS:
        first, second = ("uu", "dd") if label.startswith("phi") else ("ud", "du")
        sign = 1 if label.endswith("+") else -1
        return (ket(first) + sign * ket(second)) / sp.sqrt(2)
    allowed = ", ".join(BASIS_LABELS + BELL_LABELS)
    raise ValueError(f"unknown state label {label!r}; allowed: {allowed}")


def _tidy(expr: sp.Expr) -> sp.Expr:
    """Cheap normal form: expand polynomials, cancel rational functions, else simplify."""
    expr = sp.expand(expr)
    if expr.is_rational_function():
        return expr if expr.is_polynomial() else sp.expand(sp.cancel(expr))
    return sp.simplify(expr)


def pauli_decomposition(H: sp.Matrix) -> dict[str, sp.Expr]:
    """Coefficients ``c_P = Tr(P H)/4`` of ``H = sum_P c_P P`` on the sixteen Pauli strings.

    (``Tr(P Q) = 4 delta_PQ``.) For a Hermitian ``H`` with real symbols every
    coefficient is real.

    Parameters
    ----------
    H
        A 4x4 SymPy matrix (exact entries; convert numeric input with
        :func:`qb_symbolic.model.inputs.hamiltonian_from_matrix` first).

    Returns
    -------
    dict[str, sympy.Expr]
        Nonzero coefficients keyed by label, in the order of ``PAULI_LABELS``.

    Raises
    ------
    ValueError
        If ``H`` is not a 4x4 SymPy matrix.
    """
    if not isinstance(H, sp.MatrixBase) or H.shape != (4, 4):
        shape = getattr(H, "shape", "")
        raise ValueError(f"expected a 4x4 SymPy Matrix; got {type(H).__name__} {shape}")
    coefficients = {label: _tidy((pauli_string(label) * H).trace() / 4) for label in PAULI_LABELS}
    return {label: c for label, c in coefficients.items() if c != 0}


# ---- Reading Pauli-label expressions (no eval: a tokenizer and a recursive descent) ----

SCALAR_KEY = ""  # key of the label-free part of a parsed expression
_FUNCTIONS = {"sqrt": sp.sqrt, "exp": sp.exp, "sin": sp.sin, "cos": sp.cos}
_MAX_LENGTH, _MAX_DEPTH, _MAX_EXPONENT = 10_000, 100, 100
_NUMBER = r"(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
_TOKEN = re.compile(
    rf"(?P<space>\s+)|(?P<number>{_NUMBER})|(?P<name>[A-Za-z]\w*)|(?P<op>\*\*|[-+*/()])", re.ASCII
)
_ALLOWED = (
    "allowed: Pauli labels (II, IX, ..., ZZ), names, numbers, + - * / ** ( ), sqrt exp sin cos pi"
)
Token = tuple[str, str, int]  # kind, text, position
Resolver = Callable[[str, int], sp.Expr]  # scalar name, position -> value


@dataclass(frozen=True)
class _Piece:
    """A parsed sub-expression (label -> coefficient, SCALAR_KEY = no label) and its span."""

    terms: dict[str, sp.Expr]
    start: int
    end: int

    @property
    def labels(self) -> list[str]:
        return [k for k in self.terms if k != SCALAR_KEY]

    @property
    def scalar(self) -> sp.Expr:
        return self.terms.get(SCALAR_KEY, sp.Integer(0))


def _tokenize(text: str) -> list[Token]:
    """Split text into tokens; refuse any other character and complex literals."""
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            hint = "use ** for powers, not ^" if text[pos] == "^" else _ALLOWED
            raise ValueError(f"unexpected character {text[pos]!r} at position {pos}: {hint}")
        kind = match.lastgroup or ""
        if kind == "number" and text[match.end() : match.end() + 1] in ("j", "J"):
            raise ValueError(
                f"complex number {text[pos : match.end() + 1]!r} at position {pos}: "
                "coefficients must be real (H is Hermitian); for a product write e.g. 2*J"
            )
        if kind != "space":
            tokens.append((kind, match.group(), pos))
        pos = match.end()
    return tokens


def _name_value(name: str, pos: int, resolve: Resolver) -> dict[str, sp.Expr]:
    """A name: a Pauli label, pi, or the scalar ``resolve`` gives; refuse label look-alikes."""
    if len(name) == 2 and set(name) <= set(PAULI_LETTERS):
        return {name: sp.Integer(1)}
    where = f"{name!r} at position {pos}"
    if name == "I":
        raise ValueError(
            f"lone {where}: I is not the imaginary unit (coefficients are real) and not an "
            "operator on its own; write II for the identity on both cells"
        )
    if name in ("X", "Y", "Z"):
        raise ValueError(f"single-cell operator {where}: write {name}I (cell 1), I{name} (cell 2)")
    if name.isalpha() and name.isupper() and set(name) & set(PAULI_LETTERS):
        bad = [c for c in name if c not in PAULI_LETTERS]
        problem = f"has unknown letter {bad[0]!r}" if bad else f"has {len(name)} letters"
        raise ValueError(
            f"Pauli label {where} {problem}: a label is two letters from I, X, Y, Z, one per "
            "cell (capital names containing I, X, Y or Z are read as labels: rename a parameter)"
        )
    if len(name) == 2 and set(name) <= set(PAULI_LETTERS.lower()):
        raise ValueError(f"Pauli labels are upper case: write {name.upper()!r}, not {where}")
    if name in _FUNCTIONS:
        raise ValueError(f"function {where} needs an argument in parentheses, e.g. {name}(2)")
    return {SCALAR_KEY: sp.pi if name == "pi" else resolve(name, pos)}


class _Parser:
    """sum := product (('+'|'-') product)*; product := unary (('*'|'/') unary)*;
    unary := ('+'|'-') unary | power; power := atom ['**' unary];
    atom := number | name | function '(' sum ')' | '(' sum ')'."""

    def __init__(self, text: str, resolve: Resolver) -> None:
        self.text, self.resolve = text, resolve
        self.tokens, self.index, self.depth = _tokenize(text), 0, 0

    def peek(self) -> Token:
        end = ("end", "end of text", len(self.text))
        return self.tokens[self.index] if self.index < len(self.tokens) else end

    def take(self) -> Token:
        token = self.peek()
        self.index += 1
        return token

    def nest(self, pos: int, step: int) -> None:
        self.depth += step
        if self.depth > _MAX_DEPTH:
            raise ValueError(f"expression nested too deeply at position {pos}")

    def fail(self, token: Token, expected: str) -> ValueError:
        found = token[1] if token[0] == "end" else repr(token[1])
        missing = token[0] in ("name", "number") or token[1] == "("
        hint = " (a missing '*'? write e.g. 2*XX, J*(XX + YY))" if missing else ""
        return ValueError(f"{found} at position {token[2]}: expected {expected}{hint}")

    def parse(self) -> _Piece:
        if not self.tokens:
            raise ValueError("empty expression; " + _ALLOWED)
        piece = self.sum()
        if self.peek()[0] != "end":
            raise self.fail(self.peek(), "an operator (+ - * / **) or the end")
        return piece

    def sum(self) -> _Piece:
        left = self.product()
        while self.peek()[1] in ("+", "-"):
            sign = 1 if self.take()[1] == "+" else -1
            right = self.product()
            keys = {**left.terms, **right.terms}
            terms = {k: left.terms.get(k, 0) + sign * right.terms.get(k, 0) for k in keys}
            left = _Piece(terms, left.start, right.end)
        return left

    def product(self) -> _Piece:
        left = self.unary()
        while self.peek()[1] in ("*", "/"):
            op = self.take()[1]
            right = self.unary()
            piece = self.text[left.start : right.end]
            if right.labels and (op == "/" or left.labels):
                raise ValueError(
                    f"{'division by' if op == '/' else 'product of'} Pauli labels in {piece!r}: "
                    "each term carries exactly one two-letter label (write XX for XI*IX)"
                )
            if op == "/" and right.scalar == 0:
                raise ValueError(f"division by zero in {piece!r}")
            if right.labels:
                terms = {k: left.scalar * v for k, v in right.terms.items()}
            else:
                factor = right.scalar if op == "*" else 1 / right.scalar
                terms = {k: v * factor for k, v in left.terms.items()}
            left = _Piece(terms, left.start, right.end)
        return left

    def unary(self) -> _Piece:
        if self.peek()[1] not in ("+", "-"):
            return self.power()
        _, op, pos = self.take()
        self.nest(pos, 1)
        inner = self.unary()
        self.nest(pos, -1)
        sign = -1 if op == "-" else 1
        return _Piece({k: sign * v for k, v in inner.terms.items()}, pos, inner.end)

    def power(self) -> _Piece:
        base = self.atom()
        if self.peek()[1] != "**":
            return base
        self.take()
        exponent = self.unary()
        piece, value = self.text[base.start : exponent.end], exponent.scalar
        if base.labels or exponent.labels:
            raise ValueError(f"powers of Pauli labels are not supported in {piece!r}")
        if value.is_Number and abs(value) > _MAX_EXPONENT:
            raise ValueError(f"exponent too large in {piece!r} (at most {_MAX_EXPONENT})")
        if base.scalar == 0 and value.is_Number and value <= 0:
            raise ValueError(f"division by zero in {piece!r}")
        return _Piece({SCALAR_KEY: base.scalar**value}, base.start, exponent.end)

    def atom(self) -> _Piece:
        kind, text, pos = self.take()
        if kind == "number":
            return _Piece({SCALAR_KEY: sp.Rational(text)}, pos, pos + len(text))
        if kind == "name" and self.peek()[1] == "(":
            if text not in _FUNCTIONS:
                raise ValueError(
                    f"{text + '('!r} at position {pos} is not a function: write {text}*(...) "
                    f"for a product; functions: {', '.join(_FUNCTIONS)}"
                )
            inner = self.group(self.take()[2])
            if inner.labels:
                raise ValueError(f"function {text} of a Pauli label at position {pos}")
            return _Piece({SCALAR_KEY: _FUNCTIONS[text](inner.scalar)}, pos, inner.end)
        if kind == "name":
            return _Piece(_name_value(text, pos, self.resolve), pos, pos + len(text))
        if text == "(":
            return self.group(pos)
        raise self.fail((kind, text, pos), "a number, a name, a Pauli label or '('")

    def group(self, start: int) -> _Piece:
        """The rest of a parenthesised group whose '(' at ``start`` was just taken."""
        self.nest(start, 1)
        inner = self.sum()
        closing = self.take()
        if closing[1] != ")":
            raise self.fail(closing, f"')' to close the '(' at position {start}")
        self.nest(start, -1)
        return _Piece(inner.terms, start, closing[2] + 1)


def parse_pauli_expression(text: str, resolve: Resolver | None = None) -> dict[str, sp.Expr]:
    """Read text such as ``"B*(ZI + IZ) + J*(XX + YY)"`` into label coefficients.

    Grammar: numbers (decimals read exactly), names, ``+ - * / **``, parentheses,
    ``sqrt exp sin cos``, ``pi``. A two-letter name over I, X, Y, Z is a Pauli
    label; any other name is the scalar ``resolve(name, position)``. Refused
    (``ValueError`` naming the piece): a lone ``I`` (never the imaginary unit:
    write ``II``) or ``X``/``Y``/``Z``; capital names containing I, X, Y or Z that
    are not labels (``XQ``, ``XYZ``); lower-case labels (``xy``); products,
    quotients, powers and functions of labels (``XI*IX``); ``^``; complex
    literals (``1j``); implicit products (``2XX``, ``J(XX)``); unbalanced
    parentheses; division by zero; over-long or over-nested text.

    Parameters
    ----------
    text
        The expression.
    resolve
        Scalar name and position -> SymPy expression (default: a real symbol
        named as written).

    Returns
    -------
    dict[str, sympy.Expr]
        Unexpanded coefficient by label (linear in the labels); the key
        ``SCALAR_KEY`` (``""``) holds the label-free part, if any.
    """
    if not isinstance(text, str):
        raise ValueError(f"expected a string; got {type(text).__name__}")
    if len(text) > _MAX_LENGTH:
        raise ValueError(f"text too long ({len(text)} characters; at most {_MAX_LENGTH})")
    try:
        return _Parser(text, resolve or (lambda name, _: sp.Symbol(name, real=True))).parse().terms
    except RecursionError:
        raise ValueError("expression nested too deeply") from None
