# RewardBench Dashboard served by gunicorn (settings: gunicorn.conf.py and the REWARDBENCH_* variables).
#   docker build -t rewardbench-dashboard .
#   docker run -p 8050:8050 rewardbench-dashboard
#   docker run -p 8050:8050 -v "$PWD/runs:/runs:ro" -e REWARDBENCH_DATA=/runs rewardbench-dashboard
ARG BASE_IMAGE=python:3.11-slim

# Build stage: the dependencies in a virtual environment, from pyproject.toml alone so that code changes do not
# reinstall them; pip and its caches stay behind in this stage.
FROM ${BASE_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /build
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > requirements.txt \
    && python -m venv /venv \
    && /venv/bin/pip install --no-cache-dir -r requirements.txt

FROM ${BASE_IMAGE}
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/venv/bin:$PATH \
    REWARDBENCH_BIND=0.0.0.0:8050 \
    REWARDBENCH_DATA=/app/data/seed-run.csv
COPY --from=build /venv /venv
WORKDIR /app
COPY app.py gunicorn.conf.py ./
COPY components ./components
COPY assets ./assets
COPY data ./data

# Mount your runs here (read-only is enough) and point REWARDBENCH_DATA at them.
VOLUME ["/runs"]
USER 10001:10001
EXPOSE 8050
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; host, port = os.environ['REWARDBENCH_BIND'].rsplit(':', 1); base = os.environ.get('REWARDBENCH_BASE_PATH', '/').strip('/'); urllib.request.urlopen(f'http://127.0.0.1:{port}/' + (base + '/' if base else '') + 'health', timeout=4)"]
CMD ["gunicorn", "app:server"]
