# RewardBench Dashboard served by gunicorn.
#   docker build -t rewardbench-dashboard .
#   docker run -p 8050:8050 rewardbench-dashboard
#   docker run -p 8050:8050 -v "$PWD/runs:/runs:ro" -e REWARDBENCH_DATA=/runs/my-run.csv rewardbench-dashboard
ARG BASE_IMAGE=python:3.11-slim
FROM ${BASE_IMAGE}

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Dependencies first, from pyproject.toml alone, so code changes do not reinstall them.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > requirements.txt \
    && pip install --no-cache-dir -r requirements.txt

COPY app.py gunicorn.conf.py ./
COPY components ./components
COPY assets ./assets
COPY data ./data

RUN useradd --system --uid 10001 --no-create-home dashboard
USER dashboard

EXPOSE 8050
CMD ["gunicorn", "--bind", "0.0.0.0:8050", "app:server"]
