"""Adapters: the charm's edges to the outside world (Kubernetes API, Prometheus HTTP API).

Each adapter implements a port of ``domain.ports``. It translates outside data into domain values
at once (no raw JSON or client objects leave it) and wraps every failure of the outside system in
a ``domain.errors`` error. Adapters translate; they never decide.
"""
