# One image for web, worker and beat (see docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

WORKDIR /app
RUN useradd --system --create-home --home-dir /home/app app

COPY requirements.txt ./
RUN pip install -r requirements.txt

# Only what runs in production is copied (no tests, no local .venv or var/). A new app
# directory must be added here; tests/test_deployment_files.py checks this.
COPY manage.py ./
COPY helpdesk ./helpdesk
COPY tickets ./tickets
COPY knowledgebase ./knowledgebase
COPY canned_responses ./canned_responses
COPY portal ./portal
COPY desk ./desk
COPY mail ./mail
COPY webhooks ./webhooks
COPY satisfaction ./satisfaction
COPY reporting ./reporting
COPY api ./api
COPY templates ./templates
COPY static ./static

# Static files are collected into the image with production storage (hashed, compressed names).
# The key below exists only for this build step; the running containers get their own.
RUN DEBUG=false \
    SECRET_KEY=build-time-only-collectstatic-key-not-used-at-runtime-0123456789 \
    ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput --verbosity 1

# Uploaded attachments live on a volume mounted here (MEDIA_ROOT in docker-compose.yml).
RUN mkdir -p /data/media /app/var && chown app:app /data/media /app/var
USER app

EXPOSE 8000
CMD ["gunicorn", "helpdesk.wsgi:application", "--bind", "0.0.0.0:8000"]
