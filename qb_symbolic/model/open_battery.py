"""Open batteries: a battery with Lindblad dissipators (issue 26, "Open batteries").

``open_battery(battery, *noise, **defaults)`` returns the battery with its ``dissipators``
set (:mod:`qb_symbolic.model.dissipators`: dephasing, amplitude damping, a thermal bath,
custom jump operators). Its state then follows the Lindblad equation of
docs/conventions.md ("Open batteries") under the battery's H, from the battery's start::

    d rho/dt = -i [H, rho] + sum_k ( L_k rho L_k^dag - {L_k^dag L_k, rho}/2 )

and H0 measures the energy, as for every battery. A Kraus channel among ``noise``
(:func:`qb_symbolic.channel`, numeric ``p``) is applied to the charged state before it is
measured, at every time, after the Lindblad evolution (channels in the order given): the
figures of merit are then those of ``E(rho(t))`` (``qb.charged_then_noisy`` for an open
battery, and the CLI's ``--channel``). The dissipators' symbols (the rates
:data:`~qb_symbolic.model.dissipators.gamma_d`, :data:`~qb_symbolic.model.dissipators.kappa`,
the bath temperature ``T``) become parameters of the battery, appended after its own, with
no default unless ``defaults`` gives one; a symbol named like one of the battery's own
parameters (``omega0`` of ``thermal(..., omega0=qb.omega0)``) *is* that parameter. A
number fixes a rate: ``open_battery(bat, dephasing(0.1))``.

What answers an open battery: the Lindblad numerics (``qb.evaluate``, ``qb.evaluate_many``,
``qb.sweep``, ``qb.optimise``, ``qb.charging_time``, ``qb.max_power``, the protocols
``qb.charge_and_store`` and ``qb.best_charging_time``). The closed forms describe unitary
charging and would ignore the dissipators, so :class:`OpenBattery` refuses them with
:class:`~qb_symbolic.NoClosedForm` (its :meth:`OpenBattery.as_model`, the door of every
closed-form path, and :attr:`OpenBattery.mixed`, which the pure-state evolution reads).

Size: ``N <= MAX_OPEN_SITES`` cells (a ``4^N``-dimensional Liouvillian; 4096 at N = 6).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sympy as sp

from ..core.errors import NoClosedForm
from ..core.values import check_sign, exact_real
from .battery import Battery
from .dissipators import Dissipator, lindblad_operators
from .qutip_interop import QutipBattery

#: Most cells of an open battery: its Liouvillian acts on 4^N coordinates (4096 at N = 6;
#: the evaluator's sparse path, :mod:`qb_symbolic.numeric.open.lindblad`, about a second a
#: point there).
MAX_OPEN_SITES = 6
#: What an open battery's closed-form requests are told to use instead.
OPEN_INSTEAD = ("qb.evaluate / qb.evaluate_many / qb.sweep (Lindblad numerics), "
                "qb.charging_time / qb.max_power, qb.charge_and_store, or battery.closed for "
                "the closed battery's closed forms")


@dataclass(frozen=True)
class OpenQutipBattery(QutipBattery):
    """:class:`~qb_symbolic.model.qutip_interop.QutipBattery` with the collapse operators
    ``c_ops`` (the ``L_k``, for ``qutip.mesolve``) and the battery's ``channels`` (applied
    to the states after it); unpacks as ``H, H0, state``."""

    c_ops: tuple = ()
    channels: tuple = ()


class OpenBattery(Battery):
    """A :class:`~qb_symbolic.Battery` with dissipators (build it with :func:`open_battery`).

    The same data as any battery; what differs is what answers it (module docstring):
    :meth:`as_model` raises :class:`~qb_symbolic.NoClosedForm`, :meth:`substitute` puts
    values into the dissipators too, :meth:`to_qutip` adds ``c_ops``, and :attr:`closed`
    is the battery without its dissipators.

    Examples
    --------
    >>> import qb_symbolic as qb
    >>> bat = qb.open_battery(qb.Battery("ising"), qb.amplitude_damping(qb.kappa))
    >>> isinstance(bat, qb.OpenBattery), bat.closed.names
    (True, ('Omega', 'J', 'D', 'omega0'))
    """

    @property
    def mixed(self) -> bool:
        """True: the state of an open battery is a density matrix (the dissipators mix it),
        whatever its start; the pure-state closed forms refuse it."""
        return True

    @property
    def lindblad(self) -> tuple[Dissipator, ...]:
        """The Lindblad dissipators (active while charging)."""
        return tuple(d for d in self.dissipators if isinstance(d, Dissipator))

    @property
    def channels(self) -> tuple[Any, ...]:
        """The Kraus channels applied to the charged state before it is measured."""
        return tuple(d for d in self.dissipators if not isinstance(d, Dissipator))

    @property
    def closed(self) -> Battery:
        """The battery without its dissipators (and without their own parameters)."""
        own = _structure_names(self)
        mine = {s.name for d in self.lindblad for s in d.free_symbols} - own
        return Battery.make(sites=self.sites,
                            parameters=tuple(s for s in self.parameters if s.name not in mine),
                            defaults=tuple((n, v) for n, v in self.defaults if n not in mine),
                            lattice=self.lattice, matrices=self.matrices, initial=self.initial,
                            source=self.source.split(" + open: ")[0])

    def as_model(self) -> Battery:
        """Refused: the closed forms describe unitary charging and would ignore the
        dissipators (:class:`~qb_symbolic.NoClosedForm` naming the Lindblad numerics)."""
        raise NoClosedForm("the closed forms describe unitary charging and would ignore the "
                           "dissipators of this open battery", OPEN_INSTEAD)

    def replace(self, **values: Any) -> OpenBattery:
        return self.substitute(**values)

    def substitute(self, **values: Any) -> OpenBattery:
        """The open battery at some parameter values (exact), its dissipators' too."""
        plain = Battery.substitute(self, **values)
        subs = {self.params[n]: exact_real(n, v) for n, v in values.items()}
        return OpenBattery.make(sites=plain.sites, parameters=plain.parameters,
                                defaults=plain.defaults, lattice=plain.lattice,
                                matrices=plain.matrices, initial=plain.initial,
                                dissipators=tuple(_put(d, subs) if isinstance(d, Dissipator)
                                                  else d for d in self.dissipators),
                                source=self.source)

    def to_qutip(self, **values: Any) -> OpenQutipBattery:
        """H, H0, the start and the collapse operators ``c_ops`` as QuTiP ``Qobj`` at
        ``values`` (``qutip.mesolve(H, state, t, c_ops=...)`` solves this battery; its
        ``channels`` are then applied to the states, in order)."""
        base = Battery.to_qutip(self, **values)
        full = self.values_for(values)
        jumps = lindblad_operators(self.lindblad, self.sites, _dissipator_values(self, full))
        c_ops = tuple(type(base.H)(L, dims=base.H.dims) for L in jumps)
        return OpenQutipBattery(base.H, base.H0, base.state, c_ops, self.channels)

    def _repr_latex_(self) -> str:
        rows = ", ".join(f"\\text{{{d.kind}}}({sp.latex(d.rate)})" if isinstance(d, Dissipator)
                         else f"\\text{{{d!r}}}" for d in self.dissipators)
        return self.closed._repr_latex_()[:-1] + f",\\quad \\mathcal{{D}}: {rows}$"


def _structure_names(battery: Battery) -> set[str]:
    """Names of the symbols in H, H0 and the start."""
    if battery.matrices is not None:
        return {s.name for m in battery.matrices for s in m.free_symbols}
    terms = list(battery.pauli_terms().values()) + list(battery.pauli_terms(True).values())
    return {s.name for c in terms for s in sp.sympify(c).free_symbols}


def _dissipator_values(battery: Battery, full: dict[str, Any]) -> dict[str, Any]:
    """The values of the dissipators' symbols among a battery's values."""
    names = {s.name for d in battery.lindblad for s in d.free_symbols}
    return {n: v for n, v in full.items() if n in names}


def _put(dissipator: Dissipator, subs: dict) -> Dissipator:
    """The dissipator with ``subs`` put into its rate, temperature and omega0."""
    def put(x):
        return x if x is None else sp.sympify(x).xreplace(subs)

    return Dissipator(dissipator.kind, put(dissipator.rate), dissipator.sites,
                      dissipator.collective, put(dissipator.temperature), put(dissipator.omega0),
                      dissipator.matrix)


def _unified(dissipators: tuple, battery: Battery) -> tuple[tuple, list[sp.Symbol]]:
    """The dissipators with their symbols made the battery's (by name), and the new ones."""
    known = {s.name: s for s in battery.parameters}
    new: list[sp.Symbol] = []
    for d in dissipators:
        rate = d.rate.free_symbols  # the rate's symbols first, then T, omega0
        for s in sorted(d.free_symbols, key=lambda s: (s not in rate, s.name)):
            if s.name == "t":
                raise ValueError("a rate may not depend on the time t (the Lindblad equation "
                                 "here has constant rates)")
            if s.name not in known:
                known[s.name] = s
                new.append(s)
    return tuple(_put(d, {s: known[s.name] for s in d.free_symbols}) for d in dissipators), new


def _cell_splittings(H0: sp.MatrixBase, N: int) -> list[sp.Expr]:
    """``omega_i`` of ``H0 = sum_i omega_i sz_i + c`` (site 1 the leftmost factor, ``|u> =
    0``); ValueError if H0 is not of that form (a bath's occupation needs each cell's
    splitting ``2 omega_i``)."""
    d = 1 << N
    diagonal = [sp.expand(H0[k, k]) for k in range(d)]
    flips = [1 << (N - i) for i in range(1, N + 1)]
    omegas = [sp.expand((diagonal[0] - diagonal[f]) / 2) for f in flips]
    constant = sp.expand(diagonal[0] - sum(omegas))
    for k in range(d):
        signs = [(-1) ** bool(k & f) for f in flips]
        if sp.expand(diagonal[k] - constant - sum(s * w for s, w in zip(signs, omegas))) != 0:
            break
    else:
        if all(sp.expand(H0[a, b]) == 0 for a in range(d) for b in range(d) if a != b):
            return omegas
    raise ValueError("a thermal bath takes its occupation from the cells' splittings, and "
                     "this H0 is not sum_i omega_i sz_i: give thermal(rate, T, omega0=...)")


def _baths_of(dissipator: Dissipator, battery: Battery) -> tuple[Dissipator, ...]:
    """A thermal bath without ``omega0`` made the cells' own: one bath, or one per cell
    where their splittings differ (as under a field ``(B + b) sz1 + (B - b) sz2``)."""
    if dissipator.kind != "thermal" or dissipator.omega0 is not None:
        return (dissipator,)
    omegas = _cell_splittings(battery.energy_operator, battery.sites)
    sites = dissipator.sites or tuple(range(1, battery.sites + 1))
    chosen = [omegas[i - 1] for i in sites]
    if any(w.is_positive is False for w in chosen):
        raise ValueError(f"a thermal bath needs cells with |u> above |d> (omega_i > 0); this "
                         f"H0 has omega = {', '.join(map(str, chosen))}")
    if all(sp.expand(w - chosen[0]) == 0 for w in chosen):
        return (Dissipator("thermal", dissipator.rate, dissipator.sites, False,
                           dissipator.temperature, chosen[0]),)
    return tuple(Dissipator("thermal", dissipator.rate, (i,), False, dissipator.temperature, w)
                 for i, w in zip(sites, chosen))


def _is_channel(item: Any) -> bool:
    """A Kraus channel (:class:`qb_symbolic.Channel`, a layer above: known by its data)."""
    return all(hasattr(item, a) for a in ("N", "maps", "local_kraus", "power"))


def _check_noise(noise: tuple, N: int) -> None:
    """ValueError unless every item is a dissipator (sites within N) or a numeric channel
    on N qubits."""
    allowed = ("qb.dephasing(rate), qb.amplitude_damping(rate), qb.thermal(rate, T), "
               "qb_symbolic.model.dissipators.custom(L) or a channel qb.channel(name, p)")
    if not noise:
        raise ValueError(f"give at least one dissipator: {allowed}")
    for item in noise:
        if isinstance(item, Dissipator):
            item.terms(N)  # sites within N, custom operators 2^N x 2^N
        elif not _is_channel(item):
            raise ValueError(f"open_battery takes {allowed}; got {type(item).__name__}")
        elif item.N != N:
            raise ValueError(f"the channel acts on {item.N} qubits; the battery has {N} cells")
        elif item.parameters:
            raise ValueError(f"a channel of an open battery needs numbers (its "
                             f"{', '.join(sorted(s.name for s in item.parameters))} is "
                             "symbolic); to scan p use qb.charge_and_store(..., storage=channel)")


def open_battery(battery: Battery, *noise: Any, **defaults: Any) -> OpenBattery:
    """The battery with Lindblad dissipators (and channels; module docstring).

    Parameters
    ----------
    battery
        Any :class:`~qb_symbolic.Battery` of ``N <= MAX_OPEN_SITES`` cells (a preset, a
        battery typed in, a mixed or Gibbs start, a chain), or an open battery (the
        noise is added to its own).
    *noise
        At least one :class:`~qb_symbolic.model.dissipators.Dissipator` or numeric
        channel (:func:`qb_symbolic.channel` on N qubits, applied after charging).
    **defaults
        Default values of the dissipators' new symbols (e.g. ``gamma_d=0.1``).

    Returns
    -------
    OpenBattery
        Kind ``"open"`` (:func:`qb_symbolic.model.kinds.battery_kind`).

    Raises
    ------
    ValueError
        For no noise, an object that is neither a dissipator nor a channel, a site beyond
        N, a custom operator of the wrong size, a channel on another N or with a symbolic
        p, a rate depending on ``t``, more than :data:`MAX_OPEN_SITES` cells, or a default
        for an unknown name or of the wrong sign (a negative rate, ``T < 0``).

    Examples
    --------
    >>> import qb_symbolic as qb
    >>> bat = qb.open_battery(qb.Battery("ising"), qb.dephasing(qb.gamma_d))
    >>> bat.names
    ('Omega', 'J', 'D', 'omega0', 'gamma_d')
    >>> qb.open_battery(qb.Battery("ising"), qb.dephasing(0.1)).names   # a number fixes it
    ('Omega', 'J', 'D', 'omega0')
    """
    if not isinstance(battery, Battery):
        raise ValueError(f"open_battery takes a qb_symbolic.Battery; got {type(battery).__name__}")
    if battery.sites > MAX_OPEN_SITES:
        raise ValueError(f"an open battery has at most {MAX_OPEN_SITES} cells (its Liouvillian "
                         f"acts on 4^N coordinates); got N = {battery.sites}")
    _check_noise(noise, battery.sites)
    base = battery.as_model() if battery.preset is not None else battery
    noise = tuple(x for d in noise
                  for x in (_baths_of(d, base) if isinstance(d, Dissipator) else (d,)))
    added, new = _unified(tuple(d for d in noise if isinstance(d, Dissipator)), base)
    unknown = [n for n in defaults if n not in {s.name for s in new}]
    if unknown:
        raise ValueError(f"a default is for a new symbol of the dissipators "
                         f"({', '.join(s.name for s in new) or 'none'}); got {unknown[0]!r}")
    for s in new:
        if s.name in defaults:
            check_sign(s, defaults[s.name])
    added = iter(added)
    items = tuple(next(added) if isinstance(d, Dissipator) else d for d in noise)
    shown = "; ".join(f"{d.kind}({d.rate}" + (f", T={d.temperature}" if d.temperature is not None
                                                else "") + ")" if isinstance(d, Dissipator)
                      else f"then {d!r}" for d in items)
    source = f"{base.source} + open: {shown}" if not base.dissipators else f"{base.source}; {shown}"
    return OpenBattery.make(sites=base.sites, parameters=base.parameters + tuple(new),
                            defaults=base.defaults + tuple((n, defaults[n]) for n in
                                                           (s.name for s in new) if n in defaults),
                            lattice=base.lattice, matrices=base.matrices, initial=base.initial,
                            dissipators=base.dissipators + items, source=source)


__all__ = ["MAX_OPEN_SITES", "OpenBattery", "OpenQutipBattery", "open_battery"]
