"""The formulas document of a user battery: H, blocks, eigenvalues, psi(t), figures of merit.

The closed forms of :func:`qb_symbolic.symbolic.evolution.evolution`, printed with
:mod:`qb_symbolic.export.latex` (named intermediates, no floats, long sums broken): H, H0, psi0;
the populated blocks; the eigenvalues ``lambda_{b,k}`` in the RootForm the package evaluates,
intermediates renamed per block (``c_1``; Ferrari's ``t`` is ``tau``; square roots of
nonnegative radicands and ``arccos`` of ``X in [-1, 1]`` only, never a root of a complex
quantity); ``psi(t) = sum_b sum_j phi_{b,j}(t) |e_{b,j}>``, ``phi_{b,j} = sum_k e^{-i lambda_{b,k}
t} A_{b,j}(lambda_{b,k}) / P_b'(lambda_{b,k})`` (at distinct roots the projector column
``prod_{j != k}(H_b - lambda_j)/(lambda_k - lambda_j) c_b`` is ``adj(lambda_k - H_b) c_b /
P_b'(lambda_k)``, Cayley-Hamilton; ``(lambda - H_b) A_b = P_b c_b`` is checked exactly);
``<H0>``, the ergotropy ``<H0> - E_min(H0)``, the power, the concurrence ``2|ad - bc|``, the
coherence ``sqrt(1 - C^2)`` and steering ``F3_max = sqrt(1 + 2 C^2)`` (pure-state identities
for the quantities of Zhang, Song and Wang, arXiv:2406.16047, Eqs. 9-12); the proofs.
The figures of merit carry every definition as ``context``, outermost first, so their
``explicit()`` is in the parameters and ``t``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from itertools import accumulate
from pathlib import Path
from typing import Any

import sympy as sp
from sympy.core.function import UndefinedFunction

from ..core.pauli import BASIS_LABELS, pauli_decomposition
from ..core.symbols import t
from ..symbolic.evolution import BlockEvolution, Evolution, evolution
from ..symbolic.roots import RootForm, Z
from .latex import PREAMBLE, Claim, Formula, Section, tex, visible_width
from .pdf import Compilation, compile_pdf

#: Name of the document written by :func:`write_model_document` (without extension).
MODEL_MASTER = "qb_model_formulas"
#: A matrix row wider than this (visible characters) is printed entry by entry; a wider
#: factored ket sum is printed as a plain (breakable) sum.
MATRIX_CHARACTERS = 60
#: A polynomial coefficient wider than this is expanded (so that the line can break).
COEFFICIENT_CHARACTERS = 48

lam = sp.IndexedBase("lambda", real=True)
phi = sp.IndexedBase("phi")
k = sp.Symbol("k", integer=True, nonnegative=True)
#: The variable of the templates; a leading space (invisible in LaTeX) sorts it first, so
#: polynomials print in falling powers of lambda.
VARIABLE = sp.Symbol(" \\lambda", real=True)
zeta_fn, P_fn, C_fn, Q_fn, F3_fn = (sp.Function(n) for n in ("zeta", "P", "C", "Q", "F_3"))
H0_NAME = "\\mathcal{H}_0"
Pair = tuple[sp.Expr, sp.Expr]
_KIND_TEXT = {
    "linear": "a $1\\times1$ block, its entry",
    "quadratic": "the quadratic formula $c \\pm \\sqrt{R}$, $R = \\tfrac12 \\sum_{ij}|(H_b - c)_{ij}|^2$",
    "cubic-viete": "the trigonometric (Vi\\`ete) form for the depressed cubic $y^3 - 3 s y + q$",
    "quartic-factored": "$\\det(\\lambda - H_b)$ factored, each factor by its own formula",
    "quartic-ferrari": "Ferrari: $\\lambda = m + y$, $y^4 + p y^2 + q y + r = 0$; the roots "
                       "$w_1 \\ge w_2$ of the resolvent $w^3 + 2 p w^2 + (p^2 - 4 r) w - q^2$ in "
                       "Vi\\`ete form ($c_w, s_w, q_w, X_w$), $\\tau = -q/(\\sqrt{w_1}\\sqrt{w_2})$",
}


@cache
def _atom(name: str, latex: str) -> sp.Expr:
    """A symbol printed as ``latex`` that sorts after its coefficients (``(B + b) sx_1``)."""
    return UndefinedFunction(name, _latex=lambda self, printer, **_: latex)()


@cache
def _function(name: str, latex: str) -> UndefinedFunction:
    """An undefined function printed ``latex(args)`` (a template ``f(lambda)``)."""
    def show(self: sp.Expr, printer: Any, exp: str | None = None, **_: Any) -> str:
        text = f"{latex}({', '.join(printer._print(a) for a in self.args)})"
        return f"{text}^{{{exp}}}" if exp else text
    return UndefinedFunction(name, _latex=show)


def _label_latex(label: str) -> str:
    """``uu`` -> up-up arrows, ``Phi+`` -> ``\\Phi^{+}``, ``v3`` -> ``v_{3}``."""
    if label in BASIS_LABELS:  # arrows as ordinary atoms; "{{" sorts psi_uu, _ud, _du, _dd
        return "{" + "".join("{\\uparrow}" if c == "u" else "{{\\downarrow}}" for c in label) + "}"
    if label[:3] in ("Phi", "Psi"):
        return f"\\{label[:3]}^{{{label[3:]}}}"
    return f"{label[0]}_{{{label[1:]}}}" if label[1:].isdigit() else f"\\mathrm{{{label}}}"


def pauli_sum(matrix: sp.MatrixBase) -> sp.Expr:
    """``matrix`` as ``sum coefficient (Pauli strings)``, equal coefficients grouped."""
    groups: dict[sp.Expr, sp.Expr] = {}
    for label, coefficient in pauli_decomposition(sp.Matrix(matrix)).items():
        cells = [f"\\sigma^{{{c.lower()}}}_{{{n}}}" for n, c in enumerate(label, 1) if c != "I"]
        order = f"{2 - label.count('I')}{label.replace('I', '~')}"  # XI, IX, ..., XX, XY, ...
        sign = -1 if coefficient.could_extract_minus_sign() else 1
        key = sp.factor_terms(sign * coefficient)
        groups[key] = groups.get(key, 0) + sign * _atom(f"pauli_{order}", " ".join(cells) or "\\mathbb{I}")
    return sp.Add(*(key * ops for key, ops in groups.items()))


def ket_sum(vector: sp.MatrixBase) -> sp.Expr:
    """A 4-vector as a combination of ``|uu>, |ud>, |du>, |dd>``, common factors out."""
    kets = [_atom(f"ket_{n}", f"|{_label_latex(s)}\\rangle") for n, s in enumerate(BASIS_LABELS)]
    plain = sp.Add(*(a * e for a, e in zip(vector, kets)))
    factored = sp.factor_terms(plain)  # one product: kept only if it fits on a line
    return factored if visible_width(tex(factored)) <= MATRIX_CHARACTERS else plain


def _matrix_rows(name: str, matrix: sp.MatrixBase) -> list[Pair]:
    """``name = matrix``, or its nonzero upper entries where a row would be too wide."""
    widest = max(sum(visible_width(tex(e)) + 2 for e in matrix.row(i)) for i in range(matrix.rows))
    if widest <= MATRIX_CHARACTERS:
        return [(sp.Symbol(name), sp.ImmutableMatrix(matrix))]
    return [(sp.Symbol(f"\\left({name}\\right)_{{{i}{j}}}"), matrix[i, j])
            for i in range(matrix.rows) for j in range(i, matrix.cols) if matrix[i, j] != 0]


def _polynomial(expr: sp.Expr, var: sp.Symbol) -> sp.Expr:
    """``expr`` in falling powers of ``var``; a wide coefficient is expanded (breakable)."""
    terms = []
    for (power,), coefficient in sp.Poly(sp.expand(expr), var).terms():
        if power and visible_width(tex(coefficient)) <= COEFFICIENT_CHARACTERS:
            terms.append(var**power * coefficient)
        else:
            terms.extend(var**power * c for c in sp.Add.make_args(sp.expand(coefficient)))
    return sp.Add(*terms)


def _index(block: BlockEvolution) -> int:
    """The block's number in the structure (as in the node names ``lambda_{bk}``)."""
    return int(block.nodes[0].name.removeprefix("lambda_")[:-1])


@dataclass
class _Document:
    """The derivation being printed and its definitions, by level (for ``context``)."""

    battery: Any
    ev: Evolution
    taken: set[str]
    levels: dict[str, list[Pair]] = field(default_factory=lambda: {
        name: [] for name in ("merit", "psi", "phi", "templates", "nodes", "intermediates")})

    def context(self) -> list[Pair]:
        """Every definition, outermost first (one substitution pass reaches the bottom)."""
        return [pair for pairs in self.levels.values() for pair in pairs]

    def roots(self, form: RootForm, suffix: str) -> tuple[list[sp.Expr], list[Pair]]:
        """Roots and intermediates of ``form``, renamed: ``c`` -> ``c_{suffix}``, ``t`` ->
        ``tau``, a prime added while the printed name is taken; unevaluated (Viete angles)."""
        mapping = {}
        for symbol, _ in form.intermediates:
            head, _, sub = symbol.name.partition("_")
            head = "tau" + head[1:] if head.rstrip("'") == "t" else head
            sub = ",".join(part for part in (suffix, sub) if part)
            while True:
                new = sp.Symbol(f"{head}_{sub}" if sub else head, **symbol.assumptions0)
                if tex(new) not in self.taken:
                    break
                head += "'"
            self.taken.add(tex(new))
            mapping[symbol] = new
        with sp.evaluate(False):
            return ([root.xreplace(mapping) for root in form.roots],
                    [(mapping[s], d.xreplace(mapping)) for s, d in form.intermediates])


def _battery_section(doc: _Document) -> Section:
    bat = doc.battery
    names = ", ".join(f"${tex(s)}$" for s in bat.parameters)
    formulas: list[Formula | str] = [
        Formula(sp.Symbol("H"), pauli_sum(bat.hamiltonian)), "measured by",
        Formula(sp.Symbol(H0_NAME), pauli_sum(bat.energy_operator)), "starting from",
        Formula(sp.Symbol("|\\psi(0)\\rangle"), ket_sum(bat.initial_state))]
    text = (f"Charging $|\\psi(t)\\rangle = e^{{-\\mathrm{{i}} H t}} |\\psi(0)\\rangle$ "
            f"($\\hbar = 1$); ${H0_NAME}$ only measures the energy. Parameters (real): {names}.")
    return Section("model-battery", "The battery", text, formulas)


def _blocks_section(doc: _Document) -> Section:
    structure = doc.ev.structure
    symmetries = ", ".join(f"${tex(pauli_sum(X))}$" for X in structure.commutant)
    text = ("Constant operators commuting with $H$ identically in the parameters: "
            f"{symmetries}. Their joint eigenspaces split $H$ into blocks of sizes "
            + " + ".join(str(b.dim) for b in structure.blocks)
            + "; the state never leaves the populated ones: basis $|e_{b,j}\\rangle$ (the "
              "columns of $U_b$), $H_b = U_b^{\\dagger} H U_b$ and $U_b^{\\dagger}\\psi(0)$.")
    formulas: list[Formula | str] = []
    for block in doc.ev.blocks:
        b = _index(block)
        rows: list[Pair] = []
        for j, (label, column) in enumerate(zip(block.labels, block.basis.T.tolist())):
            named = "" if label in BASIS_LABELS else f" = |{_label_latex(label)}\\rangle"
            rows.append((sp.Symbol(f"|e_{{{b},{j}}}\\rangle{named}"), ket_sum(sp.Matrix(column))))
        rows += _matrix_rows(f"H_{b}", block.matrix)
        rows.append((sp.Symbol(f"U_{{{b}}}^{{\\dagger}}\\psi(0)"), sp.ImmutableMatrix(block.components)))
        formulas += [f"Block {b} (dimension {block.dim}):", Formula(*rows[0], where=rows[1:])]
    return Section("model-blocks", "Invariant blocks", text, formulas)


def _ranges(form: RootForm, pairs: list[Pair]) -> str:
    """``; exact ranges (Hermitian block): X_1 in [-1, 1], ...`` in the new names."""
    new = {old: renamed for (old, _), (renamed, _) in zip(form.intermediates, pairs)}
    def bound(value: sp.Expr | None, sign: str) -> str:
        return f"{sign}\\infty" if value is None else tex(value)
    shown = [f"${tex(new[s])} \\in [{bound(lo, '-')}, {bound(hi, '')}]$"
             for s, lo, hi in form.ranges]
    return "; exact ranges (Hermitian block): " + ", ".join(shown) if shown else ""


def _eigenvalue_section(doc: _Document) -> Section:
    named = [b for b in doc.ev.blocks if b.roots.intermediates]
    formulas: list[Formula | str] = []
    for block in doc.ev.blocks:
        b, form = _index(block), block.roots
        roots, pairs = doc.roots(form, str(b) if len(named) > 1 else "")
        nodes = [(lam[b, j], root) for j, root in enumerate(roots)]
        extra: list[Pair] = []
        if form.kind == "quartic-factored":
            factors = sp.Mul(*(f.polynomial.xreplace({Z: VARIABLE}) for f in form.factors))
            extra = [(sp.Symbol(f"\\mathcal{{P}}_{{{b}}}(\\lambda)"), factors)]
        formulas.append(f"Block {b}: {_KIND_TEXT[form.kind]}{_ranges(form, pairs)}.")
        formulas.append(Formula(*nodes[0], where=[*nodes[1:], *extra, *pairs]))
        doc.levels["nodes"] += nodes
        doc.levels["intermediates"] += pairs[::-1]  # later ones use earlier ones
    return Section("model-eigenvalues", "Eigenvalues", "Eigenvalues $\\lambda_{b,k}$ of each "
                   "populated block, descending (per factor), in the closed form the package "
                   "evaluates; every named intermediate is real.", formulas)


def _block_state(block: BlockEvolution) -> list[Pair]:
    """``phi_{b,j}(t)`` of one block and the templates ``A_{b,j}``, ``P_b'`` it uses."""
    b, n, var = _index(block), block.dim, VARIABLE
    if n == 1:
        return [(phi[b, 0], block.components[0] * sp.exp(-sp.I * lam[b, 0] * t))]
    poly = block.roots.polynomial.xreplace({Z: var})
    column = (var * sp.eye(n) - block.matrix).adjugate() * block.components
    residual = (var * sp.eye(n) - block.matrix) * column - poly * block.components
    if any(sp.expand(e) != 0 and sp.simplify(e) != 0 for e in residual):  # pragma: no cover
        raise AssertionError(f"adjugate of block {b} is not exact")
    adjugate = [_function(f"A_{b}{j}", f"\\mathcal{{A}}_{{{b},{j}}}") for j in range(n)]
    derivative = _function(f"dP_{b}", f"\\mathcal{{P}}_{{{b}}}'")
    node = lam[b, k]
    amplitudes = [(phi[b, j], sp.Sum(adjugate[j](node) / derivative(node)
                                     * sp.exp(-sp.I * node * t), (k, 0, n - 1)))
                  for j in range(n)]
    templates = [(adjugate[j](var), _polynomial(column[j], var)) for j in range(n)]
    return [*amplitudes, *templates, (derivative(var), _polynomial(sp.diff(poly, var), var))]


#: The amplitudes ``psi_s(t) = <s|psi(t)>`` on ``|uu>, |ud>, |du>, |dd>``.
PSI = tuple(sp.Symbol(f"\\psi_{{{_label_latex(s)}}}") for s in BASIS_LABELS)

_SPECTRAL = (
    "Spectral form: $|\\psi(t)\\rangle = \\sum_b \\sum_j \\phi_{b,j}(t)\\, |e_{b,j}\\rangle$, "
    "$\\phi_b(t) = \\sum_k e^{-\\mathrm{i}\\lambda_{b,k} t} P_{b,k} U_b^{\\dagger}\\psi(0)$, "
    "the projector columns written through the adjugate (Cayley--Hamilton; valid where the "
    "roots of a block are distinct: the package evaluates a Newton form, stable everywhere):\n"
    "\\begin{align*}\nP_{b,k} U_b^{\\dagger}\\psi(0) &= \\prod_{j \\neq k} \\frac{H_b - "
    "\\lambda_{b,j}}{\\lambda_{b,k} - \\lambda_{b,j}}\\, U_b^{\\dagger}\\psi(0) = \\frac{"
    "\\mathcal{A}_b(\\lambda_{b,k})}{\\mathcal{P}_b'(\\lambda_{b,k})}, \\\\\n\\mathcal{A}_b"
    "(\\lambda) &= \\operatorname{adj}(\\lambda - H_b)\\, U_b^{\\dagger}\\psi(0), \\qquad "
    "\\mathcal{P}_b(\\lambda) = \\det(\\lambda - H_b).\n\\end{align*}")


def _state_section(doc: _Document) -> Section:
    formulas: list[Formula | str] = []
    for block in doc.ev.blocks:
        rows = _block_state(block)
        formulas += [f"Block {_index(block)}:", Formula(*rows[0], where=rows[1:])]
        doc.levels["phi"] += [row for row in rows if isinstance(row[0], sp.Indexed)]
        doc.levels["templates"] += [row for row in rows if not isinstance(row[0], sp.Indexed)]
    amplitudes = [(symbol, sum((block.basis[i, j] * phi[_index(block), j]
                                for block in doc.ev.blocks for j in range(block.dim)),
                               sp.Integer(0))) for i, symbol in enumerate(PSI)]
    doc.levels["psi"] += amplitudes
    formulas += ["so that $|\\psi(t)\\rangle = \\sum_{s} \\psi_s |s\\rangle$ with",
                 Formula(*amplitudes[0], where=amplitudes[1:])]
    return Section("model-state", "Evolved state", _SPECTRAL, formulas)


def _energy(doc: _Document) -> tuple[sp.Expr, list[Pair]]:
    """``<H0>(t)`` in the amplitudes, and ``E_min`` with the intermediates of H0's spectrum."""
    H0 = sp.Matrix(doc.battery.energy_operator)
    energy = sum((H0[i, i] * sp.Abs(PSI[i]) ** 2 for i in range(4)), sp.Integer(0))
    energy += sum((2 * sp.re(sp.conjugate(PSI[i]) * H0[i, j] * PSI[j])
                   for i in range(4) for j in range(i + 1, 4) if H0[i, j] != 0), sp.Integer(0))
    form = doc.ev.energies
    roots, pairs = doc.roots(form, "E")
    ends = accumulate([len(f.roots) for f in form.factors] or [len(roots)])
    lowest = sp.Min(*(roots[end - 1] for end in ends))  # roots descend per factor
    return energy, [(sp.Symbol("E_{\\min}"), lowest), *pairs]


def _merit_section(doc: _Document) -> Section:
    energy, minimum = _energy(doc)
    shown = sp.Symbol(f"\\langle {H0_NAME}\\rangle(t)")

    def formula(fn, name: str, rhs: sp.Expr, where: list[Pair] | None = None) -> Formula:
        made = Formula(fn(t), rhs, where or [], Claim("quantity", "user", name=name),
                       context=doc.context())
        doc.levels["merit"][:0] = [(fn(t), rhs), *made.where]  # outermost first
        return made

    ergotropy = formula(zeta_fn, "ergotropy", shown - minimum[0][0], [(shown, energy), *minimum])
    power = formula(P_fn, "power", zeta_fn(t) / t)
    concurrence = formula(C_fn, "concurrence", 2 * sp.Abs(PSI[0] * PSI[3] - PSI[1] * PSI[2]))
    coherence = formula(Q_fn, "coherence", sp.sqrt(1 - C_fn(t) ** 2))
    steering = formula(F3_fn, "steering", sp.sqrt(1 + 2 * C_fn(t) ** 2))
    text = (f"Of the pure state $\\psi(t)$: the ergotropy $\\langle {H0_NAME}\\rangle - E_{{\\min}}"
            f"$ (Allahverdyan, Balian and Nieuwenhuizen; $E_{{\\min}}$ is the lowest closed-form "
            f"eigenvalue of ${H0_NAME}$),")
    return Section("model-merit", "Figures of merit", text, [
        ergotropy, "the power ($P(0) = 0$, the limit),", power, "the concurrence,", concurrence,
        "the first-order coherence (pure-state identities; Zhang, Song and Wang, arXiv:2406.16047)",
        coherence, "and the largest violation of the three-setting steering inequality", steering])


_PROOF_TEXT = {
    "block split": "$U^{\\dagger} U = 1$ and $U^{\\dagger} H U$ block-diagonal",
    "roots": "each $\\lambda_{b,k}$ a root of $\\det(\\lambda - H_b)$",
    "psi(0) = psi0": "$\\psi(t)$ at $t = 0$ is the initial state",
    "Schroedinger": "the Schr\\\"odinger equation (Cayley--Hamilton on each block)",
    "norm": "$H$ Hermitian and $\\langle\\psi(0)|\\psi(0)\\rangle = 1$, so the norm is 1",
}


def _proofs_section(doc: _Document) -> Section:
    proofs = {_PROOF_TEXT.get(name, name): value for name, value in doc.ev.proofs().items()}
    text = "Proved by SymPy for this battery: " + "; ".join(
        name for name, value in proofs.items() if value is True) + "."
    if any(b.roots.kind == "quartic-ferrari" for b in doc.ev.blocks):
        text += (" For the Ferrari roots: the characteristic polynomial exactly, the roots at "
                 "three seeded rational points, to $10^{-30}$ at 50 digits.")
    if failed := [name for name, value in proofs.items() if value is not True]:
        text += " Not proved: " + "; ".join(failed) + "."
    return Section("model-proofs", "Proofs", text)


def model_sections(battery: Any) -> list[Section]:
    """The sections of a battery's formulas document, in order.

    Parameters
    ----------
    battery
        A :class:`qb_symbolic.Battery` (``Battery.from_string``, ...).

    Returns
    -------
    list of Section
        Battery, blocks, eigenvalues, state, figures of merit (each with a ``quantity``
        :class:`~qb_symbolic.export.latex.Claim` of model ``user``), proofs.
    """
    doc = _Document(battery, evolution(battery),
                    {tex(s) for s in battery.parameters} | {tex(t), "k"})
    return [_battery_section(doc), _blocks_section(doc), _eigenvalue_section(doc),
            _state_section(doc), _merit_section(doc), _proofs_section(doc)]


#: LaTeX special characters, escaped for ``\\texttt``.
_TEXTTT = str.maketrans({c: f"\\{c}" for c in "_&%#${}"} | {"\\": "\\textbackslash{}",
                        "~": "\\textasciitilde{}", "^": "\\textasciicircum{}"})


def model_source(battery: Any) -> str:
    """The complete LaTeX document of a battery (amsmath, amssymb, mathtools, geometry)."""
    source = str(battery.source).translate(_TEXTTT)
    source = source if len(source) <= 300 else source[:300] + "..."
    preface = ("{\\raggedright Closed forms derived and proved by \\texttt{qb\\_symbolic} for "
               f"the two-qubit battery typed as \\texttt{{{source}}}. Basis "
               "$|{\\uparrow\\uparrow}\\rangle, |{\\uparrow\\downarrow}\\rangle, "
               "|{\\downarrow\\uparrow}\\rangle, |{\\downarrow\\downarrow}\\rangle$, $\\sigma^z"
               "|{\\uparrow}\\rangle = |{\\uparrow}\\rangle$, cell 1 the left factor.\\par}")
    body = "\n".join(section.render() for section in model_sections(battery))
    return (PREAMBLE + "\\title{Closed forms of a two-qubit battery}\n\\date{}\n"
            "\\begin{document}\n\\maketitle\n\\small\n" + preface + "\n\n" + body + "\\end{document}\n")


def write_model_document(battery: Any, out: Path | str, compile: bool = True,
                         name: str = MODEL_MASTER) -> tuple[Path, Compilation | None]:
    """Write ``out/<name>.tex`` (``out`` a folder, created if missing) and compile it.

    Parameters
    ----------
    battery
        A user battery (see :func:`model_sections`).
    compile
        Run :func:`qb_symbolic.paper.formulas.compile_pdf` (``Compilation(None, '')``
        without pdflatex; RuntimeError if pdflatex reports an error).

    Returns
    -------
    tuple
        The ``.tex`` path and the compilation (None if ``compile`` is False).
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{name}.tex"
    path.write_text(model_source(battery))
    return path, (compile_pdf(path) if compile else None)
