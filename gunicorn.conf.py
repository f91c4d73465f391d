"""gunicorn settings, read by `gunicorn app:server` from the working directory."""

bind = "127.0.0.1:8050"
# Load the data once in the master: a bad data file then stops start-up with one line instead of
# workers failing and being restarted forever, and workers share the loaded run read-only.
preload_app = True
# gunicorn's runtime control socket is not used, and it needs a writable home directory.
control_socket_disable = True
