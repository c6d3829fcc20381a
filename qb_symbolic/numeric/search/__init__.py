"""Searches over what the evaluators give: charging time, maximum power, optimisation in
a box of parameters, sweeps (Dask optional)."""
