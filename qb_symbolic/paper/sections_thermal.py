"""The LaTeX section on thermal batteries (the setting of Ali et al., arXiv:2408.00133).

``H_B = (B + b) sz1 + (B - b) sz2 + Jx sx1 sx2 + Jy sy1 sy2 + Jz sz1 sz2 + D (sx1 sy2 - sy1 sx2)
+ K (sx1 sy2 + sy1 sx2)`` (:mod:`qb_symbolic.symbolic.gibbs_batteries`) keeps the two parity
blocks ``{uu, dd}`` and ``{ud, du}``; its Gibbs state is therefore an X state, written here
through named intermediates: the block eigenvalues, the partition function, the six
nonzero entries, the Gibbs weights sorted with ``min``/``max``, and from them the ergotropy
and capacity for ``H0 = (B + b) sz1 + (B - b) sz2``, the X-state concurrence and the
l1-coherence of the start. Each printed expression is checked here against the package's
own closed-form Gibbs state (:func:`qb_symbolic.thermal_state`) at exact rational points
to 40 digits (the exponentials of square roots make an exact identity test costly), and
``tests/test_thermal_latex.py`` evaluates the printed formulas against brute-force numpy.
"""

from __future__ import annotations

import sympy as sp

from ..export.latex import Claim, Formula, Section
from ..model.inputs import hamiltonian_from_string
from ..symbolic.gibbs_batteries import battery_hamiltonian
from ..symbolic.mixed_states import thermal_state
from .sections_shared import _check

B, b, Jx, Jy, Jz, D, K = sp.symbols("B b J_x J_y J_z D K", real=True)
beta = sp.Symbol("beta", nonnegative=True)
eta, xi, Z = sp.Symbol("eta", positive=True), sp.Symbol("xi", positive=True), sp.Symbol("Z", positive=True)
M_sym, m_sym = sp.Symbol("M", nonnegative=True), sp.Symbol("m", nonnegative=True)
rho = sp.IndexedBase("rho")
E_up = sp.IndexedBase("E^{\\uparrow}")
p = sp.IndexedBase("p")
#: The document's symbols by the names the battery uses (for the tests' evaluation).
PACKAGE_NAMES = {"B": B, "b": b, "Jx": Jx, "Jy": Jy, "Jz": Jz, "D": D, "K": K, "beta": beta}

_DEFINITIONS_TEXT = (
    "Thermal battery after Ali et al., arXiv:2408.00133 (model of issue 12; their text was "
    "not checked): $H_B = (B + b)\\sigma^z_1 + (B - b)\\sigma^z_2 + J_x\\sigma^x_1\\sigma^x_2 + "
    "J_y\\sigma^y_1\\sigma^y_2 + J_z\\sigma^z_1\\sigma^z_2 + D(\\sigma^x_1\\sigma^y_2 - "
    "\\sigma^y_1\\sigma^x_2) + K(\\sigma^x_1\\sigma^y_2 + \\sigma^y_1\\sigma^x_2)$, started in "
    "$\\rho_0 = e^{-\\beta H_B}/Z$, energy measured by $\\mathcal{H}_0 = (B + b)\\sigma^z_1 + "
    "(B - b)\\sigma^z_2$ (XX: $J_x = J_y$, $J_z = 0$; XY: $J_z = 0$; XXZ: $J_x = J_y$). "
    "$H_B$ keeps $\\{|{\\uparrow\\uparrow}\\rangle, |{\\downarrow\\downarrow}\\rangle\\}$ "
    "(eigenvalues $J_z \\pm \\eta$) and $\\{|{\\uparrow\\downarrow}\\rangle, "
    "|{\\downarrow\\uparrow}\\rangle\\}$ ($-J_z \\pm \\xi$), so $\\rho_0$ is an X state "
    "(indices 1..4 in that basis order):")


def _blocks() -> tuple[list, list]:
    """Block eigenvalue definitions (checked against the characteristic polynomials)."""
    H = hamiltonian_from_string(battery_hamiltonian("xyz")).xreplace(
        {s: PACKAGE_NAMES[s.name] for s in hamiltonian_from_string(battery_hamiltonian("xyz")).free_symbols})
    x = sp.Symbol("x")
    for rows, centre, radius in (((0, 3), Jz, 4 * B**2 + (Jx - Jy) ** 2 + 4 * K**2),
                                 ((1, 2), -Jz, 4 * b**2 + (Jx + Jy) ** 2 + 4 * D**2)):
        block = H.extract(list(rows), list(rows))
        _check(sp.expand(block.charpoly(x).as_expr() - ((x - centre) ** 2 - radius)) == 0,
               f"block {rows} eigenvalues")
        _check(all(H[i, j] == 0 for i in rows for j in range(4) if j not in rows), "parity blocks")
    radii = [(eta, sp.sqrt(4 * B**2 + (Jx - Jy) ** 2 + 4 * K**2)),
             (xi, sp.sqrt(4 * b**2 + (Jx + Jy) ** 2 + 4 * D**2))]
    return radii, [(Z, 2 * sp.exp(-beta * Jz) * sp.cosh(beta * eta)
                    + 2 * sp.exp(beta * Jz) * sp.cosh(beta * xi))]


def gibbs_entries() -> list[tuple[sp.Expr, sp.Expr]]:
    """The six nonzero entries of the Gibbs X state (``exp(-beta(m + v.sigma))`` per block)."""
    outer, inner = sp.exp(-beta * Jz), sp.exp(beta * Jz)
    return [
        (rho[1, 1], outer * (sp.cosh(beta * eta) - 2 * B * sp.sinh(beta * eta) / eta) / Z),
        (rho[4, 4], outer * (sp.cosh(beta * eta) + 2 * B * sp.sinh(beta * eta) / eta) / Z),
        (rho[1, 4], -outer * (Jx - Jy - 2 * sp.I * K) * sp.sinh(beta * eta) / (eta * Z)),
        (rho[2, 2], inner * (sp.cosh(beta * xi) - 2 * b * sp.sinh(beta * xi) / xi) / Z),
        (rho[3, 3], inner * (sp.cosh(beta * xi) + 2 * b * sp.sinh(beta * xi) / xi) / Z),
        (rho[2, 3], -inner * (Jx + Jy + 2 * sp.I * D) * sp.sinh(beta * xi) / (xi * Z)),
    ]


def sorted_weights() -> list[tuple[sp.Expr, sp.Expr]]:
    """``E^up_k`` (ascending levels of H_B by min/max of the two blocks' pairs), the
    weights ``p_k = e^{-beta E^up_k}/Z`` (so ``p_1 >= ... >= p_4``: rho0's spectrum in
    decreasing order) and ``M, m``: H0's levels are ``-2M <= -2m <= 2m <= 2M``."""
    low1, low2, high1, high2 = Jz - eta, -Jz - xi, Jz + eta, -Jz + xi
    levels = [sp.Min(low1, low2), sp.Min(sp.Max(low1, low2), sp.Min(high1, high2)),
              sp.Max(sp.Max(low1, low2), sp.Min(high1, high2)), sp.Max(high1, high2)]
    out = [(E_up[k + 1], level) for k, level in enumerate(levels)]
    out += [(p[k + 1], sp.exp(-beta * E_up[k + 1]) / Z) for k in range(4)]
    out += [(M_sym, sp.Max(sp.Abs(B), sp.Abs(b))), (m_sym, sp.Min(sp.Abs(B), sp.Abs(b)))]
    return out


def thermal_formulas() -> list[Formula]:
    """Ergotropy, capacity, concurrence and l1-coherence of the Gibbs start."""
    radii, partition = _blocks()
    entries, weights = gibbs_entries(), sorted_weights()
    context = [*entries, *weights, *partition, *radii]
    energy = 2 * B * (rho[1, 1] - rho[4, 4]) + 2 * b * (rho[2, 2] - rho[3, 3])
    ergotropy = energy + 2 * M_sym * (p[1] - p[4]) + 2 * m_sym * (p[2] - p[3])
    capacity = 4 * M_sym * (p[1] - p[4]) + 4 * m_sym * (p[2] - p[3])
    concurrence = 2 * sp.Max(0, sp.Abs(rho[1, 4]) - sp.sqrt(rho[2, 2] * rho[3, 3]),
                             sp.Abs(rho[2, 3]) - sp.sqrt(rho[1, 1] * rho[4, 4]))
    l1 = 2 * (sp.Abs(rho[1, 4]) + sp.Abs(rho[2, 3]))
    rows = [("ergotropy", sp.Symbol("\\mathcal{E}_0"), ergotropy,
             ("Ergotropy at $t = 0$: $\\operatorname{Tr}\\rho_0\\mathcal{H}_0$ minus the passive "
             "energy $\\sum_k p_k e^{\\uparrow}_k$, $e^{\\uparrow} = (-2M, -2m, 2m, 2M)$ the "
             "levels of $\\mathcal{H}_0$ ($\\rho_0$'s eigenvalues are the Gibbs weights):")),
            ("capacity", sp.Symbol("\\mathcal{C}_0"), capacity,
             "Capacity (Yang et al., PRL 131, 030402 (2023)), constant under charging:"),
            ("concurrence", sp.Symbol("C_0"), concurrence, "X-state concurrence (Wootters):"),
            ("l1_coherence", sp.Symbol("C_{l_1}"), l1, "$l_1$-norm coherence:")]
    return [Formula(lhs, rhs, where=[], claim=Claim("quantity", "gibbs-xyz", name=name),
                    note=note, context=context) for name, lhs, rhs, note in rows]


def _check_against_package(formulas: list[Formula]) -> None:
    """The printed Gibbs entries equal the package's thermal_state at two rational points
    (40 digits): the document and the numbers describe one state."""
    rho0 = thermal_state(battery_hamiltonian("xyz"))
    names = {s.name: s for s in rho0.free_symbols}
    context = formulas[0].context
    for point in ({"B": sp.Rational(6, 5), "b": sp.Rational(3, 10), "Jx": 1, "Jy": sp.Rational(-1, 2),
                   "Jz": sp.Rational(2, 5), "D": sp.Rational(7, 10), "K": sp.Rational(1, 3),
                   "beta": sp.Rational(3, 2)},
                  {"B": sp.Rational(1, 2), "b": -1, "Jx": 2, "Jy": 1, "Jz": -1, "D": 0,
                   "K": sp.Rational(1, 4), "beta": sp.Rational(1, 3)}):
        ours = {PACKAGE_NAMES[n]: v for n, v in point.items()}
        theirs = {names[n]: v for n, v in point.items() if n in names}
        for (i, j) in ((1, 1), (4, 4), (1, 4), (2, 2), (3, 3), (2, 3)):
            printed = Formula(rho[i, j], rho[i, j], context=context).explicit()
            difference = printed.xreplace(ours) - rho0[i - 1, j - 1].xreplace(theirs)
            _check(abs(sp.N(difference, 40)) < sp.Rational(1, 10**35), f"rho_{i}{j}")


def thermal_section() -> Section:
    """The thermal battery's section of the formulas document."""
    formulas = thermal_formulas()
    _check_against_package(formulas)
    radii, partition = _blocks()
    definitions = Formula(Z, partition[0][1], where=radii + gibbs_entries())
    order = Formula(p[sp.Symbol("k", integer=True, positive=True)],
                    sp.exp(-beta * E_up[sp.Symbol("k", integer=True, positive=True)]) / Z,
                    where=sorted_weights()[:4] + sorted_weights()[8:])
    text = ("The start is passive for $H_B$ but not for the local $\\mathcal{H}_0$; "
            "charging by $\\Omega(\\sigma^x_1 + \\sigma^x_2)$ from $t = 0$ is computed from the "
            "block propagators of the full Hamiltonian (no longer an X state, not printed).")
    return Section("thermal", "Thermal battery: Gibbs start, ergotropy, capacity, concurrence",
                   _DEFINITIONS_TEXT, [definitions, ("Levels sorted by min/max, weights in "
                                       "decreasing order, and $\\mathcal{H}_0$'s levels:"), order,
                                       *formulas, text])
