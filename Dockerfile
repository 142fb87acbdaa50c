# The portal's image: one image for the web server (gunicorn), the Celery worker and Celery beat.
# Built and run by docker-compose.yml; see README.md and docs/operations.md.

# --- Front-end assets: Bootstrap and htmx from package.json (never a CDN) ---------------------
FROM node:20-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY scripts/ ./scripts/
RUN npm run vendor

# --- The application --------------------------------------------------------------------------
FROM python:3.11-slim

# The code runs from /app, where templates, static files and cities/data live beside it.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    DJANGO_SETTINGS_MODULE=twinning.settings.production \
    PRIVATE_MEDIA_ROOT=/data/private-media

RUN groupadd --system --gid 1000 app \
    && useradd --system --uid 1000 --gid app --create-home --home-dir /home/app app

WORKDIR /app

# Dependencies first, in their own layer: exactly the versions and files of the lock file
# requirements/prod.txt (the [project] dependencies of pyproject.toml; every hash checked).
COPY requirements/prod.txt /tmp/requirements.txt
RUN pip install --require-hashes --no-deps -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY . .
COPY --from=assets /build/static/vendor/ ./static/vendor/

# Static files are collected into the image (served by whitenoise). Production settings need
# these variables to import; the values here exist only during this build step.
RUN DJANGO_SECRET_KEY=collectstatic-at-build-time-only \
    DJANGO_ALLOWED_HOSTS=localhost \
    DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    python manage.py collectstatic --noinput --verbosity 0 \
    && rm -f /tmp/build.sqlite3 \
    && mkdir -p /data/private-media \
    && chown -R app:app /data/private-media

USER app
EXPOSE 8000
VOLUME ["/data/private-media"]

# Workers come from WEB_CONCURRENCY (gunicorn reads it); docker-compose.yml sets it.
CMD ["gunicorn", "twinning.wsgi", "--bind", "0.0.0.0:8000", "--access-logfile", "-", "--timeout", "60", "--max-requests", "1000", "--max-requests-jitter", "100"]
