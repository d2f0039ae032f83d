"""gunicorn settings for production (README, Deployment): ``gunicorn -c gunicorn.conf.py run:app``.
Every value can be overridden from the environment (GUNICORN_*), so a systemd unit or a
container needs no edit of this file."""
import gc
import multiprocessing
import os

from gunicorn import glogging

_env = os.environ.get

#: Behind the reverse proxy (nginx or the bureau's gateway) that terminates TLS.
bind = _env("GUNICORN_BIND", "127.0.0.1:8000")
#: Threaded workers: a long export or a slow phone upload occupies one thread, not a process,
#: and the worker's main loop keeps answering the arbiter's heartbeat meanwhile.
worker_class = "gthread"
workers = int(_env("GUNICORN_WORKERS", str(max(2, multiprocessing.cpu_count()))))
threads = int(_env("GUNICORN_THREADS", "8"))
#: Seconds a worker may go silent before it is restarted. Exports stream their first bytes at
#: once (a 1,000,000-row XLSX is written while it is sent), so this is a safety net, not a
#: limit on how long a download may take.
timeout = int(_env("GUNICORN_TIMEOUT", "120"))
graceful_timeout = int(_env("GUNICORN_GRACEFUL_TIMEOUT", "60"))
keepalive = int(_env("GUNICORN_KEEPALIVE", "5"))
#: Recycle workers now and then (a slow leak in any library cannot grow forever); jittered so
#: that they do not all restart at once.
max_requests = int(_env("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = int(_env("GUNICORN_MAX_REQUESTS_JITTER", "200"))
#: Trust X-Forwarded-* only from the proxy.
forwarded_allow_ips = _env("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
#: The app writes its own JSON access line (with the request id); gunicorn's own messages go
#: to standard error, which systemd's journal keeps. gunicorn's access line is off unless
#: GUNICORN_ACCESSLOG names a file ("-": standard output): a second line per request, without
#: the request id, was noise in the journal and 6% of a visit post's time in the worker.
accesslog = _env("GUNICORN_ACCESSLOG") or None
errorlog = "-"
loglevel = _env("GUNICORN_LOGLEVEL", "info")
#: Heartbeat files in memory, not on a disk that may stall.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
#: Each worker imports the app itself (safe with database connections and boto3 clients).
preload_app = False

#: gunicorn's access line, where GUNICORN_ACCESSLOG sends it (none by default).
_access_handlers = {}
if accesslog == "-":
    _access_handlers["access"] = {"class": "logging.StreamHandler", "formatter": "json",
                                  "stream": "ext://sys.stdout"}
elif accesslog:
    # Watched: logrotate may move the file away; the next line reopens it.
    _access_handlers["access"] = {"class": "logging.handlers.WatchedFileHandler",
                                  "formatter": "json", "filename": accesslog}
#: gunicorn's own lines as JSON too (the app's formatter), so the journal holds one format.
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "enforcement.logs.JsonFormatter"}},
    "handlers": {
        "error_console": {"class": "logging.StreamHandler", "formatter": "json",
                          "stream": "ext://sys.stderr"},
        **_access_handlers,
    },
    # The app installs its own root handler (enforcement.logs); none here, or lines would double.
    "root": {"level": "INFO", "handlers": []},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["error_console"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": list(_access_handlers),
                            "propagate": False},
    },
}


class _Logger(glogging.Logger):
    """gunicorn's logger, whose access line is built only when it goes somewhere: gunicorn
    builds it whenever a logging configuration is given (as here, for the JSON lines)."""

    def access(self, resp, req, environ, request_time):
        if self.cfg.accesslog:
            super().access(resp, req, environ, request_time)


logger_class = _Logger


def post_worker_init(worker):
    """Once the worker has imported the app: its start-up objects (some 150,000: Flask,
    SQLAlchemy's mappers, the translations, the schemas) leave the garbage collector's care.
    They live as long as the worker, yet every full collection walked them all: about a tenth
    of a second, every hundred requests or so, inside whatever request it fell on. A visit post
    then held the write lock (SQLite's, or the audit chain's on PostgreSQL) through the pause,
    and every other writer of the server waited for it (benchmarks/analysis.md, session 7).
    The garbage there is collected first, so that nothing unreachable is kept for good."""
    gc.collect()
    gc.freeze()
