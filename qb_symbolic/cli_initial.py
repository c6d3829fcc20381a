"""``--initial``: a state label, ``thermal``, a vector or matrix written as text, or a ``.npy``
file.

Text such as ``"[1, 0, 0, 1]/sqrt(2)"`` or ``"[1, 1j, 0, 0]/sqrt(2)"`` is read by walking
Python's syntax tree of it (:func:`ast.parse`) and building SymPy objects node by node: the
text is never evaluated, so a state cannot run code. Decimal literals are read exactly
(``0.6`` is 3/5), as everywhere in the package, so exact text gives an exact state.
"""

from __future__ import annotations

import ast
from typing import Any

import sympy as sp

from .core.pauli import BASIS_LABELS, BELL_LABELS

#: Longest text accepted (a 4x4 matrix with long entries fits easily).
MAX_TEXT = 4000
#: Largest |exponent| of ``**``: keeps ``2**10**10`` from hanging the exact arithmetic.
MAX_EXPONENT = 64
#: Largest exact integer a power may build (bits): nested powers grow doubly exponentially.
MAX_BITS = 4096
#: Functions and constants the text may use; any other name is a real parameter (``--set``).
FUNCTIONS = {"sqrt": sp.sqrt, "exp": sp.exp, "sin": sp.sin, "cos": sp.cos, "tan": sp.tan}
CONSTANTS = {"pi": sp.pi, "I": sp.I, "E": sp.E}
#: What --initial takes, for the error messages.
FORMS = ("a label (" + ", ".join(BASIS_LABELS + BELL_LABELS) + "), thermal, a vector as text "
         "such as '[1, 0, 0, 1]/sqrt(2)', a 4x4 density matrix as text, or a .npy file")


def initial_input(text: str, h0: str | None) -> Any:
    """What ``--initial TEXT`` gives ``Battery.from_string`` as ``initial=``.

    Parameters
    ----------
    text
        A label, ``thermal`` (the Gibbs state of H0 at ``beta``), vector or matrix text, or
        the path of a ``.npy`` file holding a state vector (4) or a density matrix (4x4).
    h0
        The ``--h0`` text (the thermal state is that of H0).

    Returns
    -------
    str, sympy.Matrix or numpy.ndarray
        A label, an exact SymPy vector or matrix, or the loaded array.

    Raises
    ------
    ValueError
        For malformed text, an unreadable file, or anything else (one line, naming the forms).
    """
    text = text.strip()
    if text == "thermal":
        from .symbolic.mixed_states import thermal_state

        return thermal_state(h0 if h0 is not None else "omega0*(ZI + IZ)")
    if text.lower().endswith(".npy"):
        return load_npy(text)
    if "[" in text:
        return parse_state_text(text)
    if text in BASIS_LABELS + BELL_LABELS:
        return text
    raise ValueError(f"--initial takes {FORMS}; got {text!r}")


def load_npy(path: str) -> Any:
    """A state vector or density matrix from a ``.npy`` file (no pickled objects)."""
    import numpy as np

    try:
        data = np.load(path, allow_pickle=False)
    except OSError as error:  # main() would report an OSError as a failed write
        raise ValueError(f"cannot read --initial {path}: {error.strerror or error}") from None
    except ValueError as error:
        raise ValueError(f"--initial {path} is not a numpy array file: {error}") from None
    if not isinstance(data, np.ndarray) or data.dtype.kind not in "iufc":
        raise ValueError(f"--initial {path} must hold numbers; got {getattr(data, 'dtype', data)}")
    if data.shape not in ((4,), (4, 1), (4, 4)):
        raise ValueError(f"--initial {path} must hold a state vector (4 amplitudes) or a 4x4 "
                         f"density matrix; got shape {data.shape}")
    return data


def parse_state_text(text: str) -> sp.Matrix:
    """A vector (n x 1) or matrix from text such as ``"[1, 0, 0, 1]/sqrt(2)"`` (module
    docstring): ``+ - * / **``, lists, numbers (``1j`` imaginary), ``sqrt exp sin cos tan``,
    ``pi``, ``I``, ``E``; other names are real symbols.

    Examples
    --------
    >>> parse_state_text("[1, 1j, 0, 0]/sqrt(2)").T
    Matrix([[sqrt(2)/2, sqrt(2)*I/2, 0, 0]])
    >>> parse_state_text("[0.6, 0, 0, 0.8]").T
    Matrix([[3/5, 0, 0, 4/5]])
    """
    if len(text) > MAX_TEXT:
        raise ValueError(f"--initial text too long ({len(text)} characters; at most {MAX_TEXT})")
    try:
        tree = ast.parse(text.replace("^", "**"), mode="eval")
        value = _Reader(text.replace("^", "**")).read(tree.body)
    except SyntaxError as error:
        raise ValueError(f"--initial {text!r} is not a vector such as '[1, 0, 0, 1]/sqrt(2)': "
                         f"{error.msg}") from None
    except (RecursionError, MemoryError):
        raise ValueError(f"--initial {text!r} is nested too deeply") from None
    if not isinstance(value, sp.MatrixBase):
        raise ValueError(f"--initial {text!r} is a number, not a vector such as "
                         "'[1, 0, 0, 1]/sqrt(2)'")
    return value


class _Reader:
    """Builds SymPy values from the nodes of the syntax tree (nothing is evaluated)."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, node: ast.AST, why: str) -> ValueError:
        piece = ast.get_source_segment(self.source, node) or type(node).__name__
        return ValueError(f"--initial: {why}: {piece!r}")

    def read(self, node: ast.AST) -> Any:
        if isinstance(node, (ast.List, ast.Tuple)):
            return self.vector(node)
        if isinstance(node, ast.Constant):
            return self.number(node)
        if isinstance(node, ast.Name):
            return CONSTANTS.get(node.id) or sp.Symbol(node.id, real=True)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.UAdd, ast.USub)):
            value = self.read(node.operand)
            return -value if isinstance(node.op, ast.USub) else value
        if isinstance(node, ast.BinOp):
            return self.binary(node)
        if isinstance(node, ast.Call):
            return self.call(node)
        raise self.fail(node, "not allowed in a state")

    def number(self, node: ast.Constant) -> sp.Expr:
        value = node.value
        if isinstance(value, bool) or not isinstance(value, (int, float, complex)):
            raise self.fail(node, "expected a number")
        if isinstance(value, int):
            return sp.Integer(value)
        # the literal as written, not the rounded float: "0.1" is 1/10 exactly
        literal = (ast.get_source_segment(self.source, node) or repr(value)).lower()
        if isinstance(value, complex):
            return sp.I * sp.Rational(literal.rstrip("j"))
        return sp.Rational(literal)

    def vector(self, node: ast.List | ast.Tuple) -> sp.Matrix:
        items = [self.read(item) for item in node.elts]
        if not items:
            raise self.fail(node, "an empty list")
        if all(isinstance(x, sp.MatrixBase) and x.shape[1] == 1 for x in items):
            if len({x.shape for x in items}) != 1:
                raise self.fail(node, "rows of different lengths")
            return sp.Matrix([list(x) for x in items])  # a list of rows: a matrix
        if any(isinstance(x, sp.MatrixBase) for x in items):
            raise self.fail(node, "mixes numbers and lists")
        return sp.Matrix(items)

    def binary(self, node: ast.BinOp) -> Any:
        a, b = self.read(node.left), self.read(node.right)
        matrices = isinstance(a, sp.MatrixBase), isinstance(b, sp.MatrixBase)
        if isinstance(node.op, (ast.Add, ast.Sub)):
            if matrices[0] != matrices[1] or (all(matrices) and a.shape != b.shape):
                raise self.fail(node, "adds a list and a number, or lists of different shapes")
            return a + b if isinstance(node.op, ast.Add) else a - b
        if isinstance(node.op, ast.Mult):
            if all(matrices):
                raise self.fail(node, "multiplies two lists (multiply a list by a number)")
            return a * b
        if isinstance(node.op, ast.Div):
            if matrices[1]:
                raise self.fail(node, "divides by a list")
            if b == 0:
                raise self.fail(node, "divides by zero")
            return a / b
        if isinstance(node.op, ast.Pow):
            if any(matrices) or not (b.is_number and abs(b) <= MAX_EXPONENT):
                raise self.fail(node, f"powers need numbers and an exponent of at most "
                                      f"{MAX_EXPONENT} in size")
            if a.is_Rational and max(a.p.bit_length(), a.q.bit_length()) * abs(b) > MAX_BITS:
                raise self.fail(node, "a power too large for a state's amplitude")
            return a**b
        raise self.fail(node, "unsupported operator (use + - * / **)")

    def call(self, node: ast.Call) -> sp.Expr:
        name = node.func.id if isinstance(node.func, ast.Name) else None
        if name not in FUNCTIONS or len(node.args) != 1 or node.keywords:
            raise self.fail(node, f"functions are {', '.join(FUNCTIONS)} of one argument")
        value = self.read(node.args[0])
        if isinstance(value, sp.MatrixBase):
            raise self.fail(node, "a function of a list")
        return FUNCTIONS[name](value)
