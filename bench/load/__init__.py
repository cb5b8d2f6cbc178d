"""The load and fault benchmarks' shared parts: their data set, the Locust scenario, its runs and their figures.

``bench/load_test.py`` and ``bench/fault_test.py`` run them; ``locustfile.py`` is loaded by Locust
from its path, in a process of its own.
"""
