# One image for the web server (gunicorn), the Celery worker and Celery beat (see docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    XDG_CACHE_HOME=/tmp/cache

# WeasyPrint's libraries (Pango, HarfBuzz) and a font for the PDF reports and certificates; pg_dump and
# pg_restore (15, as the compose database) for bin/backup.py.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fonts-dejavu \
        postgresql-client \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 grappe \
    && useradd --system --uid 10001 --gid grappe --home-dir /app --no-create-home --shell /usr/sbin/nologin grappe

WORKDIR /app
# The pinned, hash-checked dependencies of requirements.lock (`make lock`); the build stops when the lock is
# out of date with pyproject.toml. They go to site-packages; the code runs from /app.
COPY pyproject.toml requirements.lock ./
COPY bin/check_lock.py bin/
RUN python bin/check_lock.py requirements.lock --extras sentry \
    && pip install --require-hashes -r requirements.lock
COPY . .
RUN pip install --no-deps . \
    && mkdir -p /app/var/static /app/var/media /app/var/private \
    && chown -R grappe:grappe /app/var

USER grappe
EXPOSE 8000
# config/gunicorn.py: with PROMETHEUS_MULTIPROC_DIR set, it empties that directory at start (docs/operations/monitoring.md).
CMD ["gunicorn", "--config", "python:config.gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--worker-tmp-dir", "/dev/shm", "--access-logfile", "-"]
