"""The fault runs of ``bench/fault_test.py``: an app server killed, the task worker stopped, PostgreSQL restarted."""
