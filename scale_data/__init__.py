"""The scale-data generator: a deterministic data set of every app's records at a named scale
(`manage.py generate_scale_data --scale county|small|tiny`), for benchmarks and tests.

Development tooling, not part of the service: the installed package ships only the apps
(pyproject's package list), and settings install this app only where the source tree holds it.
"""
