"""gunicorn settings for the site: `gunicorn` (or `gunicorn cms.wsgi:application`) from the project folder.

gunicorn reads this file by itself when started in this folder. Every value comes from the
environment, so the same file serves one server or many; docs/deploy.md explains each one.

    PORT                      8000             port to listen on (on GUNICORN_HOST)
    GUNICORN_HOST             127.0.0.1        0.0.0.0 when a load balancer on another machine connects
    GUNICORN_BIND             (from the above) full bind address instead, e.g. unix:/run/pss/gunicorn.sock
    WEB_CONCURRENCY           2 x cores + 1    worker processes
    GUNICORN_THREADS          1                threads per worker (1: plain sync workers)
    GUNICORN_TIMEOUT          30               seconds before a stuck worker is killed and replaced
    GUNICORN_GRACEFUL_TIMEOUT 30               seconds workers get to finish requests on restart
    GUNICORN_KEEPALIVE        5                seconds to hold an idle keep-alive connection (threaded workers)
    GUNICORN_MAX_REQUESTS     1000             requests before a worker is replaced (0: never)
    GUNICORN_PRELOAD          false            load the site once, before forking workers (faster start,
                                               less memory; a code change then needs a restart, not HUP)
    GUNICORN_LOG_LEVEL        info             gunicorn's own messages, on standard error
    FORWARDED_ALLOW_IPS       127.0.0.1,::1    proxies trusted to set X-Forwarded-* headers ("*": any)
"""

import os

wsgi_app = "cms.wsgi:application"

bind = [
    os.environ.get("GUNICORN_BIND")
    or f"{os.environ.get('GUNICORN_HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
]

# Sync workers: requests are short and mostly CPU (templates, PDFs come from the task worker).
# 2 x cores + 1 keeps every core busy while some workers wait on the database.
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * (os.cpu_count() or 1) + 1)
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
preload_app = os.environ.get("GUNICORN_PRELOAD", "").lower() in {"1", "true", "yes", "on"}

timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))

# Replacing each worker after about a thousand requests (at staggered times, thanks to the
# jitter) bounds any slow memory growth without every worker restarting at once.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = max(0, max_requests // 10)

# The site writes its own log line per request (JSON in production); gunicorn's access log
# would repeat it. gunicorn's own messages (start, stop, worker timeouts) go to standard error.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# Only these addresses may say, through X-Forwarded-Proto and X-Forwarded-For, that a request
# came in over HTTPS or from another address: the TLS proxy or load balancer in front.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Worker heartbeats in memory rather than on a disk that may stall (containers, network disks).
if os.path.isdir("/dev/shm"):  # noqa: S108 - a tmpfs for heartbeat files only
    worker_tmp_dir = "/dev/shm"  # noqa: S108

# Nothing here uses gunicorn's control socket, and several servers on one machine would share
# its default path.
control_socket_disable = True


def pre_fork(server, worker):
    """With preloading, a worker must never share a database connection the master opened while loading."""
    if preload_app:
        from django.db import connections

        connections.close_all()
