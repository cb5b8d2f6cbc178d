"""How many users the fault runs put on the site, for how long, and when the fault comes (from the environment)."""

import os

USERS = int(os.environ.get("BENCH_FAULT_USERS", "50"))
SECONDS = int(os.environ.get("BENCH_FAULT_SECONDS", "60"))
KILL_AT = int(os.environ.get("BENCH_FAULT_KILL_AT", "25"))
RECOVERY_SECONDS = int(os.environ.get("BENCH_FAULT_RECOVERY_SECONDS", "10"))
CERTIFICATES = int(os.environ.get("BENCH_FAULT_CERTIFICATES", "8"))
GUNICORN_TIMEOUT = 30
OK = range(200, 400)
