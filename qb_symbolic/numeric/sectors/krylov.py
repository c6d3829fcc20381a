"""Krylov (Lanczos) time stepping with a computable error bound, for chains beyond dense reach.

From the current state ``v`` (norm 1) the Lanczos process builds an orthonormal basis
``V_m`` (full reorthogonalisation) and the tridiagonal ``T_m = V_m^dag H V_m``; then

    ``exp(-i s H) v ~ V_m exp(-i s T_m) e_1``

with the a-posteriori *upper* bound (Jawecki, Auzinger and Koch, BIT Numer. Math. 60,
157 (2020), Theorem 1, for Hermitian H)

    ``|| error(s) || <= beta_m int_0^s |e_m^T exp(-i r T_m) e_1| dr``,

``beta_m`` the last off-diagonal. The step ``h`` is the largest one whose bound stays
below ``tolerance * h / T`` (so the errors of all steps, which a unitary propagation
never amplifies, add to at most ``tolerance`` over ``[0, T]``). One Krylov basis serves
every requested time inside its step; the energy there is the quadratic form
``y^dag (V_m^dag H0 V_m) y``, so its cost per time is ``m^2``, not ``2^N``. The integral
is a Riemann sum taking the larger end of each of :data:`BOUND_POINTS` intervals (the
integrand oscillates with the frequencies of ``T_m``, resolved many times over).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

#: Largest Krylov dimension per step (memory: this many vectors of 2^N complex numbers).
MAX_DIMENSION = 40
#: Error bound on the state (2-norm) over the whole time range.
STATE_TOLERANCE = 1e-12
#: Subintervals of the error integral per candidate step.
BOUND_POINTS = 512


@dataclass(frozen=True)
class Step:
    """One Krylov step from ``start`` to ``start + length``: ``T_m = S diag(theta) S^dag``,
    ``coef = S^dag e_1``, ``energy_form = S^dag V_m^dag H0 V_m S``."""

    start: float
    length: float
    theta: np.ndarray
    coef: np.ndarray
    energy_form: np.ndarray
    bound: float

    def amplitudes(self, s: np.ndarray) -> np.ndarray:
        """``S^dag exp(-i s T_m) e_1`` at offsets ``s`` (``(m, len(s))``)."""
        return np.exp(-1j * np.outer(self.theta, s)) * self.coef[:, None]


@dataclass
class KrylovCurve:
    """The steps covering ``[0, end]`` and what they give at any time in it."""

    end: float
    steps: list[Step] = field(default_factory=list)

    @property
    def bound(self) -> float:
        """Sum of the steps' error bounds on the state."""
        return float(sum(s.bound for s in self.steps))

    def _locate(self, t: np.ndarray) -> np.ndarray:
        starts = np.array([s.start for s in self.steps])
        if np.any(t > self.end * (1 + 1e-12)) or np.any(t < 0):
            raise ValueError(f"times must lie in [0, {self.end}] for this Krylov curve")
        return np.clip(np.searchsorted(starts, t, side="right") - 1, 0, len(starts) - 1)

    def energy(self, t: np.ndarray) -> np.ndarray:
        t = np.asarray(t, float)
        flat, which = t.reshape(-1), self._locate(t.reshape(-1))
        out = np.empty(flat.size)
        for k in np.unique(which):
            here = which == k
            step = self.steps[k]
            y = step.amplitudes(flat[here] - step.start)
            out[here] = np.real(np.sum(y.conj() * (step.energy_form @ y), axis=0))
        return out.reshape(t.shape)


def lanczos(apply: Callable[[np.ndarray], np.ndarray], v: np.ndarray,
            size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """``(V (m, n), alpha (m), beta (m-1), beta_m)`` from ``v`` (norm 1); stops early on an
    invariant subspace (then ``beta_m = 0`` and the step is exact)."""
    n = v.size
    V = np.empty((min(size, n), n), complex)
    alpha, beta = [], []
    V[0] = v
    scale = 0.0
    for j in range(V.shape[0]):
        w = apply(V[j:j + 1])[0]
        a = float(np.real(np.vdot(V[j], w)))
        alpha.append(a)
        w = w - a * V[j] - (beta[-1] * V[j - 1] if j else 0)
        # full reorthogonalisation, one classical Gram-Schmidt pass (m <= 40 vectors)
        w = w - np.conj(V[:j + 1] @ w.conj()) @ V[:j + 1]
        b = float(np.linalg.norm(w))
        scale = max(scale, abs(a), b)
        if b <= 1e-13 * max(scale, 1e-300) or j + 1 == V.shape[0]:
            return V[:j + 1], np.array(alpha), np.array(beta), (0.0 if b <= 1e-13 * scale else b)
        beta.append(b)
        V[j + 1] = w / b
    raise AssertionError("unreachable")


def _step_length(theta: np.ndarray, S: np.ndarray, beta_m: float, longest: float,
                 budget_rate: float) -> tuple[float, float]:
    """Largest ``h <= longest`` with ``bound(h) <= budget_rate * h``, and ``bound(h)``."""
    if beta_m == 0.0:
        return longest, 0.0
    last, coef = S[-1], S[0].conj()
    h = longest
    while True:
        s = np.linspace(0.0, h, BOUND_POINTS + 1)
        f = np.abs((last * coef) @ np.exp(-1j * np.outer(theta, s)))
        upper = np.maximum(f[1:], f[:-1]) * (h / BOUND_POINTS)
        integral = beta_m * np.concatenate([[0.0], np.cumsum(upper)])
        ok = integral <= budget_rate * np.maximum(s, 1e-300)
        ok[0] = True
        bad = np.flatnonzero(~ok)
        if len(bad) == 0:
            return h, float(integral[-1])
        if bad[0] > 1:
            k = bad[0] - 1
            return float(s[k]), float(integral[k])
        h /= 16  # the first subinterval already fails: look closer
        if h < 1e-14 * longest:
            raise ValueError("the Krylov step cannot meet its error bound; the operator "
                             "norm is too large for this Krylov dimension")


def krylov_curve(apply: Callable[[np.ndarray], np.ndarray], energy_apply: Callable,
                 psi0: np.ndarray, end: float, *, tolerance: float = STATE_TOLERANCE,
                 dimension: int = MAX_DIMENSION, state_times: np.ndarray | None = None,
                 on_states: Callable[[np.ndarray, np.ndarray], None] | None = None) -> KrylovCurve:
    """Steps covering ``[0, end]`` for ``psi(t) = exp(-i H t) psi0`` (``apply`` = H on
    ``(k, n)`` arrays, ``energy_apply`` = H0 likewise). With ``state_times``, each step
    calls ``on_states(indices, psi)`` with the states (``(n, len(indices))``) at the
    times it covers, so no more than one step's states are ever held."""
    pending = None if state_times is None else np.asarray(state_times, float)
    done = None if pending is None else np.zeros(pending.size, bool)
    curve = KrylovCurve(float(end))
    v = np.asarray(psi0, complex) / np.linalg.norm(psi0)
    t = 0.0
    while True:
        V, alpha, beta, beta_m = lanczos(apply, v, dimension)
        T = np.diag(alpha) + np.diag(beta, 1) + np.diag(beta, -1)
        theta, S = np.linalg.eigh(T)
        remaining = max(end - t, 0.0)
        h, bound = _step_length(theta, S, beta_m, remaining if remaining > 0 else 1.0,
                                tolerance / max(end, 1e-300))
        basis = S.T @ V  # rows: V_m S, the Ritz vectors
        form = basis.conj() @ energy_apply(basis).T
        coef = S[0].conj()
        step = Step(t, h, theta, coef, (form + form.conj().T) / 2, bound)
        curve.steps.append(step)
        last = t + h >= end or remaining == 0
        if pending is not None:
            here = np.flatnonzero(~done & ((pending <= t + h) | last))
            if len(here):
                on_states(here, basis.T @ step.amplitudes(pending[here] - t))
                done[here] = True
        if last:
            return curve
        t += h
        v = basis.T @ (np.exp(-1j * theta * h) * coef)
        v /= np.linalg.norm(v)
