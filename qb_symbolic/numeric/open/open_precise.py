"""An open battery's state at many digits: ``x(t) = exp(R t) x0`` in fixed point.

The charging-time search refines its maxima to 30 digits (:mod:`qb_symbolic.numeric.search.
charging`), so an open battery needs ``rho(t)`` at ~60 digits. The real Liouvillian ``R``
(coordinates of :mod:`qb_symbolic.numeric.open.liouvillian_blocks`) is linear in H's
coefficients and in the rates: ``R = sum_g c_g R_g + sum_k r_k R_k``, where ``R_g`` is the
Liouvillian of one Hermitian basis matrix of H (entries 0, +-1, +-i:
:func:`~qb_symbolic.numeric.open.open_system.hermitian_terms`) and ``R_k`` the dissipator of
``B_k = q_k A_k``, ``A_k`` scaled to Gaussian-integer entries (the rate becomes
``r_k / q_k^2``). Those generators have entries that are small multiples of 1/2, exact in
double precision (checked); the coefficients come from the exact battery at the point,
rounded once to ``bits`` binary digits. So ``R`` is known to ``2^-bits``.

The state is propagated in fixed point (Python integers scaled by ``2^bits``, numpy object
arrays, ~20x faster than mpmath numbers): checkpoints ``x(m h)`` with ``h = 2^-j``,
``h |R|_inf <= 1``, each from the last by the Taylor series of ``exp(R h)`` summed until
its terms vanish (about 60 for 230 bits); then ``x(t)`` from the nearest checkpoint below
by one more series. Each step loses a few units of ``2^-bits``; the working precision
carries 12 guard digits plus the decades of the phase.
"""

from __future__ import annotations

import math
from typing import Any

import mpmath as mp
import numpy as np
import sympy as sp

from ...core.values import exact_real
from ...model.dissipators import Dissipator
from .liouvillian_blocks import coordinate_pairs, liouvillian, real_form
from .open_system import hermitian_terms, site_kraus


def _integer_form(matrix: np.ndarray, what: str) -> np.ndarray:
    """``2 R`` of a generator as Python integers (an object array); ValueError if ``R``'s
    entries are not multiples of 1/2 (then they would not be exact)."""
    R = real_form(matrix).toarray() * 2
    if not np.all(R == np.round(R)) or np.max(np.abs(R), initial=0) > 2**40:
        raise ValueError(f"the 30-digit search needs {what} with small rational entries")
    return np.vectorize(int, otypes=[object])(np.round(R))


def _gaussian_scale(A: sp.Matrix) -> tuple[sp.Matrix, sp.Expr]:
    """``(B, q)`` with ``B = q A`` Gaussian-integer (``q`` the common denominator)."""
    parts = [p for x in A for p in sp.sympify(x).as_real_imag()]
    if not all(p.is_Rational for p in parts):
        raise ValueError("the 30-digit search needs custom jump operators with rational "
                         "entries; use qb.evaluate for this battery's numbers")
    q = sp.ilcm(*[sp.Rational(p).q for p in parts]) if parts else 1
    return A * q, sp.Integer(q)


def _fixed(value: sp.Expr, bits: int, digits: int) -> int:
    """``round(value 2^bits)`` of an exact real number."""
    with mp.workdps(digits + 10):
        return int(mp.nint(mp.ldexp(mp.mpf(sp.N(value, digits + 10)), bits)))


class PreciseEvolution:
    """``x(t)`` and ``R x(t)`` of an open battery at one point, to about ``digits`` digits.

    Parameters
    ----------
    battery
        An open battery (:func:`qb_symbolic.model.open_battery.open_battery`).
    values
        Every parameter's value (read exactly: floats by their shortest decimal).
    digits
        Working precision in decimal digits.
    """

    def __init__(self, battery: Any, values: dict[str, Any], digits: int) -> None:
        self.digits, self.d = digits, 2 ** battery.sites
        self.bits = math.ceil((digits + 6) * math.log2(10))
        subs = {s: exact_real(s.name, values[s.name]) for s in battery.parameters}
        self.R = self._generator(battery, subs)
        start = sp.Matrix(battery.initial_state).xreplace(subs)
        rho0 = start * start.H if start.shape[1] == 1 else start
        self.checkpoints = [self._coordinates(rho0)]
        norm = max(sum(abs(v) for v in row) for row in self.R) >> self.bits
        self.shift = max(0, int(norm).bit_length() + 1)  # h = 2^-shift, h |R| <= 1
        self.h = mp.ldexp(mp.mpf(1), -self.shift)
        self.energy = [[sp.N(x, digits + 10) for x in row]
                       for row in sp.Matrix(battery.energy_operator).xreplace(subs).tolist()]
        self.readout = [[[mp.matrix([[mp.mpc(sp.N(x, digits + 10)) for x in row]
                                     for row in K.tolist()]) for K in kraus]
                         for kraus in site_kraus(channel, battery.sites)]
                        for channel in battery.dissipators if not isinstance(channel, Dissipator)]

    def _generator(self, battery: Any, subs: dict) -> np.ndarray:
        """``R`` in fixed point: ``sum_g c_g R_g + sum_k r_k R_k`` (module docstring)."""
        N, total = battery.sites, None
        pieces = [(c.xreplace(subs), _integer_form(liouvillian(M), "H's terms"))
                  for c, M in hermitian_terms(battery)]
        for dissipator in battery.dissipators:
            if not isinstance(dissipator, Dissipator):
                continue  # a channel: applied after, by matrices()
            for rate, A in dissipator.terms(N):
                B, q = _gaussian_scale(sp.Matrix(A))
                zero = np.zeros((self.d, self.d))
                pieces.append((sp.sympify(rate).xreplace(subs) / q**2,
                               _integer_form(liouvillian(zero, [np.array(B.tolist(), complex)]),
                                             "jump operators")))
        for coefficient, G in pieces:
            term = G * _fixed(coefficient, self.bits, self.digits)
            total = term if total is None else total + term
        return total >> 1  # the generators were doubled

    def _coordinates(self, rho: sp.Matrix) -> np.ndarray:
        i, j = coordinate_pairs(self.d)
        values = ([sp.re(rho[k, k]) for k in range(self.d)] + [sp.re(rho[a, b]) for a, b in zip(i, j)]
                  + [sp.im(rho[a, b]) for a, b in zip(i, j)])
        return np.array([_fixed(v, self.bits, self.digits) for v in values], dtype=object)

    def _series(self, x: np.ndarray, tau: int, scale: int) -> np.ndarray:
        """``exp(R tau 2^-scale) x`` (``tau`` an integer) by its Taylor series, every
        product rounded to nearest (a floor would leave -1s that never vanish)."""
        total, term, k = x.copy(), x, 1
        half, half_scale = 1 << (self.bits - 1), 1 << (scale - 1) if scale else 0
        while True:
            moved = (self.R @ term + half) >> self.bits
            term = ((moved * tau + half_scale) >> scale) * 2 // k
            term = (term + 1) >> 1  # the division by k, rounded to nearest
            if not any(term):
                return total
            total, k = total + term, k + 1

    def state(self, t: mp.mpf) -> np.ndarray:
        """Fixed-point coordinates of ``rho(t)`` (``t >= 0``)."""
        m = int(mp.floor(t / self.h))
        while len(self.checkpoints) <= m:
            self.checkpoints.append(self._series(self.checkpoints[-1], 1, self.shift))
        rest = int(mp.nint(mp.ldexp(t - m * self.h, self.bits)))
        x = self.checkpoints[m]
        return x if rest == 0 else self._series(x, rest, self.bits)

    def matrices(self, t: mp.mpf) -> tuple[mp.matrix, mp.matrix]:
        """``rho(t)`` and ``d rho/dt`` as mpmath matrices (the battery's channels applied)."""
        x = self.state(t)
        found = [self._matrix(x), self._matrix((self.R @ x + (1 << (self.bits - 1))) >> self.bits)]
        for channel in self.readout:
            for kraus in channel:
                found = [sum((K * m * K.H for K in kraus[1:]), kraus[0] * m * kraus[0].H)
                         for m in found]
        return found[0], found[1]

    def _matrix(self, x: np.ndarray) -> mp.matrix:
        d, (i, j) = self.d, coordinate_pairs(self.d)
        m = i.size
        values = [mp.ldexp(mp.mpf(int(v)), -self.bits) for v in x]
        rho = mp.matrix(d, d)
        for k in range(d):
            rho[k, k] = values[k]
        for n, (a, b) in enumerate(zip(i, j)):
            rho[a, b] = mp.mpc(values[d + n], values[d + m + n])
            rho[b, a] = mp.mpc(values[d + n], -values[d + m + n])
        return rho


__all__ = ["PreciseEvolution"]
