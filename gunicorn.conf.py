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
# gevent: a worker waits on every connection at once, so clients that send their requests slowly (or never finish
# them) hold no worker; a sync or gthread worker gives each one a whole process or thread until its headers end.
# Dash's one-time set-up (registering its component bundles) has run before the fork: create_app makes a request.
worker_class = "gevent"
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
