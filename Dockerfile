# Engage's image: one image for web (gunicorn), worker and beat (Celery) and the one-shot migration.
# docker-compose.yml runs it; see README.md.

# --- assets: GOV.UK Frontend and the stylesheet, built with the Makefile's own rule ------------------------------
# The official Node image: Debian 12's nodejs (18) is older than sass 1.108 requires (node >= 20.19).
FROM node:22-bookworm-slim AS assets
# Only the packages of package-lock.json (sass, govuk-frontend, axe-core): no test tool, and no browser download.
ENV PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 \
    PUPPETEER_SKIP_DOWNLOAD=1 \
    npm_config_update_notifier=false
RUN apt-get update \
    && apt-get install -y --no-install-recommends make \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Makefile package.json package-lock.json ./
COPY engage/assets engage/assets
RUN make assets

# --- the application ---------------------------------------------------------------------------------------------
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    FLASK_APP=engage \
    ENGAGE_INSTANCE_PATH=/var/lib/engage \
    PYTHONPATH=/app
WORKDIR /app

# WeasyPrint (the annual report's PDF) draws with Pango and subsets fonts with HarfBuzz; Noto draws English and Bengali.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-core \
    && rm -rf /var/lib/apt/lists/*

COPY pyproject.toml ./
COPY engage engage
COPY worker worker
COPY --from=assets /src/engage/static engage/static
# Translations are compiled here (the .mo files are not in git), so the installed package carries them too.
RUN pip install "babel>=2.12" \
    && pybabel compile -d engage/translations \
    && pip install . \
    && rm -rf build *.egg-info

# engage.config.ROOT is the folder above the engage package: templates/ and migrations/ are looked up there, so every
# process runs the code in /app (PYTHONPATH above); `pip install .` brought the dependencies and the console scripts.
COPY templates templates
COPY migrations migrations

RUN useradd --system --uid 10001 --user-group --home-dir /var/lib/engage --no-create-home engage \
    && mkdir -p /var/lib/engage \
    && chown engage:engage /var/lib/engage
USER engage

EXPOSE 8000
CMD ["gunicorn", "-w", "4", "-k", "sync", "-b", "0.0.0.0:8000", "engage:create_app()"]
