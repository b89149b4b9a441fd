"""Relations: what the charm reads from related applications and what it writes back. Pure.

The adapter (``adapters.juju``) turns every relation into a ``Relation`` snapshot of its bags;
``inputs`` reads them into domain values (Alertmanagers, ...) and the notes on bags it had to
drop; ``outputs`` says what the charm writes in its own bags. Each endpoint has its own module.
"""
