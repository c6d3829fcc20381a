"""Hamiltonians and initial states from Pauli dicts, strings, matrices or labels.

Every input becomes an exact SymPy object: a float becomes the rational number
of its shortest decimal representation (``0.1 -> 1/10``); a decimal written in
a string is read exactly; names become real symbols. A matrix or ket given in
floating point is first checked to a tolerance and made exactly Hermitian or
normalised (:mod:`qb_symbolic.model.float_inputs`). Pauli labels follow
``docs/conventions.md``: two upper-case letters from I, X, Y, Z, cell 1 first.

Hamiltonian strings (:func:`hamiltonian_from_string`) are read by the tokenizer
and recursive-descent parser of :func:`qb_symbolic.core.pauli.parse_pauli_expression`;
user text is never evaluated.

* A two-letter label (``XY``, ``IZ``, ``II``) is an operator; every other name
  is a real scalar symbol named as written, except ``Omega``, ``J``, ``gamma``,
  ``Delta``, ``D`` and ``omega0``, which are the package's own symbols (with
  their assumptions, e.g. ``Omega >= 0``), and ``pi``. Functions: ``sqrt``,
  ``exp``, ``sin``, ``cos``. Operators: ``+ - * / **`` and parentheses.
* ``I`` is never the imaginary unit. A lone ``I`` (or ``X``, ``Y``, ``Z``) is
  refused: write ``II`` for the identity, ``XI``/``IX`` for one cell.
* Products or powers of labels (``XI*IX``, ``XX**2``) are refused: each term
  carries exactly one label, so the result is linear in the labels.
* Refused with a ``ValueError`` naming the piece: unknown letters (``XQ``), wrong
  length (``XYZ``), any all-capital name containing I, X, Y or Z that is not a
  label, lower-case labels (``xy``), ``^`` (use ``**``), complex numbers (``1j``),
  the time ``t`` (the Hamiltonian is static), terms without a label, implicit
  products (``2XX``, ``J(XX)``), unbalanced parentheses, division by zero.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

import sympy as sp

from ..core.pauli import PAULI_LABELS, SCALAR_KEY, ket, parse_pauli_expression, pauli_string
from ..core.symbols import SYMBOLS
from .float_inputs import checked_hamiltonian, float_array, float_ket


def _resolve(name: str, pos: int) -> sp.Expr:
    """Scalar names: the package's symbols by name, ``t`` refused, else a real symbol."""
    if name == "t":
        raise ValueError(f"time 't' at position {pos}: the Hamiltonian must be static (no t)")
    return SYMBOLS[name] if name in SYMBOLS else sp.Symbol(name, real=True)


def _parse(text: str) -> dict[str, sp.Expr]:
    return parse_pauli_expression(text, _resolve)


def _check_real(expr: sp.Expr, what: str) -> sp.Expr:
    """Refuse infinities, the time t, and anything not provably real."""
    if expr.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
        raise ValueError(f"{what} = {expr} is not finite (division by zero?)")
    if any(s.name == "t" for s in expr.free_symbols if isinstance(s, sp.Symbol)):
        raise ValueError(f"{what} = {expr} depends on the time t: the Hamiltonian must be static")
    if expr.is_real is False:
        raise ValueError(f"{what} = {expr} is complex: coefficients must be real (H is Hermitian)")
    if expr.is_real is not True:
        raise ValueError(f"{what} = {expr} is not known to be real: declare its symbols real")
    return expr


def parse_pauli_terms(text: str) -> dict[str, sp.Expr]:
    """Read a Hamiltonian string into real coefficients of Pauli labels.

    Parameters
    ----------
    text
        E.g. ``"Omega*(XI + IX) + J*(XX + YY + Delta*ZZ) + D*(XY - YX)"``; the
        grammar and what is refused are in the module docstring.

    Returns
    -------
    dict[str, sympy.Expr]
        Nonzero expanded coefficients keyed by label, in the order of ``PAULI_LABELS``.

    Raises
    ------
    ValueError
        For unparsable or refused text, naming the offending piece and what is allowed.
    """
    terms = _parse(text)
    scalar = sp.expand(terms.get(SCALAR_KEY, 0))
    if scalar != 0:
        raise ValueError(
            f"the term(s) {scalar} carry no Pauli label: every term needs exactly one "
            "two-letter label such as XX or ZI (II for a constant shift)"
        )
    out: dict[str, sp.Expr] = {}
    for label in PAULI_LABELS:
        coefficient = sp.expand(terms.get(label, 0))
        if coefficient != 0:
            out[label] = _check_real(coefficient, f"the coefficient of {label}")
    return out


def _exact_scalar(value: Any, what: str, allow_complex: bool = False) -> sp.Expr:
    """An exact SymPy number or expression: floats by their shortest repr."""
    if isinstance(value, (bool, str)) or not isinstance(value, (numbers.Number, sp.Basic)):
        raise ValueError(f"{what} must be a number or a SymPy expression; got {value!r}")
    if isinstance(value, sp.Basic):
        if not isinstance(value, sp.Expr):
            raise ValueError(f"{what} must be a SymPy expression; got {value!r}")
        floats = {f: _exact_scalar(float(f), what) for f in value.atoms(sp.Float)}
        result = value.xreplace(floats)
    elif isinstance(value, numbers.Integral):
        result = sp.Integer(int(value))
    elif isinstance(value, Fraction):
        result = sp.Rational(value.numerator, value.denominator)
    elif isinstance(value, numbers.Real):
        if not math.isfinite(float(value)):
            raise ValueError(f"{what} must be finite; got {value!r}")
        result = sp.Rational(repr(float(value)))
    else:
        real = _exact_scalar(value.real, what)
        result = real + sp.I * _exact_scalar(value.imag, what)
    if not allow_complex:
        _check_real(result, what)
    elif result.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
        raise ValueError(f"{what} = {result} is not finite")
    return result


def hamiltonian_from_paulis(terms: Mapping[str, Any]) -> sp.Matrix:
    """A 4x4 Hamiltonian ``sum_P c_P P`` from Pauli labels and real coefficients.

    Parameters
    ----------
    terms
        Label -> coefficient, e.g. ``{"XI": Omega, "IX": Omega, "XY": D, "YX": -D}``.
        Coefficients: numbers (floats by their shortest repr), real SymPy
        expressions, or strings read like :func:`hamiltonian_from_string`
        scalars (``"3/2"``, ``"J*(1 + gamma)"``).

    Returns
    -------
    sympy.Matrix
        The Hermitian 4x4 matrix.

    Raises
    ------
    ValueError
        For an empty mapping, a bad label, or a coefficient that is not real,
        not finite, or depends on t.
    """
    if not isinstance(terms, Mapping) or not terms:
        raise ValueError(f"expected a non-empty mapping of Pauli labels to numbers; got {terms!r}")
    H = sp.zeros(4, 4)
    for label, raw in terms.items():
        operator = pauli_string(label)
        what = f"the coefficient of {label}"
        if isinstance(raw, str):
            parsed = _parse(raw)
            if set(parsed) != {SCALAR_KEY}:
                raise ValueError(f"{what} ({raw!r}) must be a scalar, without Pauli labels")
            value = _check_real(sp.expand(parsed[SCALAR_KEY]), what)
        else:
            value = _exact_scalar(raw, what)
        H += value * operator
    return H


def hamiltonian_from_string(text: str) -> sp.Matrix:
    """A 4x4 Hamiltonian from text such as ``"Omega*(XI + IX) + J*XX"``.

    Parameters
    ----------
    text
        A real linear combination of two-letter Pauli labels; the grammar and
        what is refused are in the module docstring.

    Returns
    -------
    sympy.Matrix
        The Hermitian 4x4 matrix.

    Raises
    ------
    ValueError
        For unparsable or refused text, naming the offending piece.
    """
    H = sp.zeros(4, 4)
    for label, coefficient in parse_pauli_terms(text).items():
        H += coefficient * pauli_string(label)
    return H


def _check_symbols(matrix: sp.MatrixBase, what: str) -> None:
    """Refuse the time t and any symbol not known to be real."""
    for symbol in sorted(matrix.free_symbols, key=sp.default_sort_key):
        if getattr(symbol, "name", None) == "t":
            raise ValueError(f"{what} depends on the time t: inputs must be static")
        if symbol.is_real is not True:
            raise ValueError(
                f"complex symbol {symbol} in {what}: declare it real "
                f"(sympy.Symbol({str(symbol)!r}, real=True))"
            )


def check_hermitian(H: sp.Matrix, what: str = "H") -> None:
    """Check that a square matrix is identically Hermitian, static, with real symbols.

    Parameters
    ----------
    H
        A square SymPy matrix.
    what
        Its name in error messages.

    Raises
    ------
    ValueError
        If it is not square, contains a symbol not known to be real, depends on
        the time t, or has an entry with ``H[i, j] != conj(H[j, i])`` (the first
        one is named).
    """
    if not isinstance(H, sp.MatrixBase) or H.rows != H.cols:
        raise ValueError(f"{what} must be a square SymPy Matrix; got {getattr(H, 'shape', H)!r}")
    _check_symbols(H, what)
    for i in range(H.rows):
        for j in range(i, H.cols):
            difference = sp.expand(H[i, j] - sp.conjugate(H[j, i]))
            if difference != 0 and sp.simplify(difference) != 0:
                raise ValueError(
                    f"{what} is not Hermitian: {what}[{i}, {j}] = {H[i, j]} but "
                    f"conjugate({what}[{j}, {i}]) = {sp.conjugate(H[j, i])}"
                )


def _grid(data: Any, what: str) -> list[list[Any]]:
    """Rows of a matrix-like object (SymPy, numpy, nested lists, ``.full()``)."""
    if hasattr(data, "full") and not isinstance(data, sp.MatrixBase):
        data = data.full()
    if isinstance(data, sp.MatrixBase):
        return [list(data.row(i)) for i in range(data.rows)]
    if isinstance(data, (str, bytes, Mapping)) or not hasattr(data, "__iter__"):
        raise ValueError(f"{what} must be a matrix (SymPy, numpy, lists, .full()); got {data!r}")
    rows = []
    try:
        for row in data:
            if isinstance(row, (str, bytes)) or not hasattr(row, "__iter__"):
                raise ValueError(f"{what} must be two-dimensional; found the row {row!r}")
            rows.append(list(row))
    except TypeError as error:
        raise ValueError(f"{what} must be a two-dimensional matrix: {error}") from None
    return rows


def hamiltonian_from_matrix(H: Any, what: str = "H") -> sp.Matrix:
    """An exact, checked 4x4 Hermitian SymPy matrix from a matrix-like object.

    Parameters
    ----------
    H
        A SymPy Matrix, a numpy array, nested lists, or anything with a
        ``.full()`` method (a QuTiP ``Qobj``). Entries: numbers (floats and the
        parts of complex numbers by their shortest repr) or SymPy expressions.
    what
        Its name in error messages (``"H"`` or ``"H0"``).

    Returns
    -------
    sympy.Matrix
        The 4x4 matrix, Hermitian for all real values of its symbols. A floating-point
        matrix Hermitian to :data:`~qb_symbolic.model.float_inputs.FLOAT_TOLERANCE` is
        symmetrised first (:func:`~qb_symbolic.model.float_inputs.checked_hamiltonian`).

    Raises
    ------
    ValueError
        For a shape other than 4x4, a bad entry, or a failed :func:`check_hermitian`.
    """
    array = float_array(H)
    if array is not None and array.shape == (4, 4):
        H = checked_hamiltonian(array, what)
    rows = _grid(H, what)
    if len(rows) != 4 or any(len(row) != 4 for row in rows):
        lengths = [len(row) for row in rows]
        raise ValueError(f"{what} must be 4x4 (two qubits); got rows of lengths {lengths}")
    matrix = sp.Matrix(
        4, 4, lambda i, j: _exact_scalar(rows[i][j], f"{what}[{i}, {j}]", allow_complex=True)
    )
    check_hermitian(matrix, what)
    return matrix


def to_matrix(spec: Any, what: str = "H") -> sp.Matrix:
    """A Hamiltonian (H or H0) from any accepted form.

    Parameters
    ----------
    spec
        A mapping (:func:`hamiltonian_from_paulis`), a string
        (:func:`hamiltonian_from_string`) or a matrix-like object
        (:func:`hamiltonian_from_matrix`).
    what
        Its name in error messages.

    Returns
    -------
    sympy.Matrix
        The Hermitian 4x4 matrix.

    Raises
    ------
    ValueError
        From the function the form dispatches to.
    """
    if isinstance(spec, Mapping):
        return hamiltonian_from_paulis(spec)
    if isinstance(spec, str):
        return hamiltonian_from_string(spec)
    return hamiltonian_from_matrix(spec, what)


def initial_state(spec: Any) -> sp.Matrix:
    """A normalised two-qubit ket (4x1) from a label or a 4-vector.

    Parameters
    ----------
    spec
        A label (``"uu"``, ``"ud"``, ``"du"``, ``"dd"``, ``"phi+"``, ``"phi-"``,
        ``"psi+"``, ``"psi-"``; see :func:`qb_symbolic.core.pauli.ket`) or four
        amplitudes in the basis order ``|uu>, |ud>, |du>, |dd>``: a flat list,
        a 4x1 column (SymPy, numpy, ``.full()`` of a QuTiP ket). Symbolic
        amplitudes must use real symbols. Row vectors (bras) are refused. Amplitudes
        in floating point need ``<psi|psi> = 1`` only to
        :data:`~qb_symbolic.model.float_inputs.FLOAT_TOLERANCE`
        (:func:`~qb_symbolic.model.float_inputs.float_ket`).

    Returns
    -------
    sympy.Matrix
        The 4x1 ket.

    Raises
    ------
    ValueError
        For an unknown label, a wrong shape, a zero vector, a symbol not known
        to be real, or ``<psi|psi>`` not identically 1.
    """
    if isinstance(spec, str):
        return ket(spec)
    data = spec.full() if hasattr(spec, "full") and not isinstance(spec, sp.MatrixBase) else spec
    if isinstance(data, sp.MatrixBase):
        data = data.tolist()
    if isinstance(data, Mapping) or not hasattr(data, "__iter__"):
        raise ValueError(f"a state must be a label or four amplitudes; got {spec!r}")
    try:
        items = list(data)
    except TypeError as error:
        raise ValueError(f"a state must be a label or four amplitudes: {error}") from None

    def nested(x: Any) -> bool:
        return hasattr(x, "__len__") and not isinstance(x, str)

    if len(items) == 4 and all(nested(x) and len(x) == 1 for x in items):
        items = [x[0] for x in items]
    if len(items) != 4 or any(nested(x) for x in items):
        raise ValueError(
            f"a state must be four amplitudes (|uu>, |ud>, |du>, |dd>) as a list or a 4x1 "
            f"column (not a row/bra); got {spec!r}"
        )
    if (array := float_array(items)) is not None:
        return float_ket(array)
    psi = sp.Matrix([_exact_scalar(x, f"amplitude {k}", True) for k, x in enumerate(items)])
    _check_symbols(psi, "the state")
    if all(sp.simplify(a) == 0 for a in psi):
        raise ValueError("the zero vector is not a state")
    norm2 = sp.simplify(sp.expand(sum(sp.conjugate(a) * a for a in psi)))
    if sp.simplify(norm2 - 1) != 0:
        raise ValueError(f"state not normalised: <psi|psi> = {norm2}, not identically 1")
    return psi
