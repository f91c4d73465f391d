"""gunicorn settings, read by `gunicorn app:server` from the working directory.

Every value comes from the environment through components/config.py (the README lists the variables); a bad one
stops start-up with one line.
"""

import logging
import sys

from components.config import ConfigError, Settings

try:
    settings = Settings.from_env()
except ConfigError as error:
    sys.exit(f"rewardbench-dashboard: {error}")

bind = settings.bind
workers = settings.workers
# One request at a time per worker: Dash registers its component bundles on a worker's first request without a
# lock, so threads in a fresh worker can be refused its scripts (seen with gthread: "dash is not a registered
# library").
worker_class = "sync"
timeout = 60
graceful_timeout = 20
keepalive = 5
accesslog = "-"
errorlog = "-"
loglevel = settings.log_level.lower()
# Safe to load the app before forking: create_app reads the data and starts no threads, sockets or files that
# workers would share. A bad data file then stops start-up with one line instead of workers failing and being
# restarted forever, and workers share the parsed runs copy-on-write.
preload_app = True
# gunicorn's runtime control socket is not used, and it needs a writable home directory.
control_socket_disable = True

logging.basicConfig(
    level=settings.log_level, format="[%(asctime)s] [%(process)d] [%(levelname)s] %(name)s: %(message)s"
)
