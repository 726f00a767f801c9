# Parent Brain: `parentbrain run` (the bots, the sweepers, the outbox and the HTTP endpoints).
# The database is migrated on start. Configure it with PARENTBRAIN_ environment variables;
# compose.yaml runs it beside PostgreSQL.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /opt/parentbrain
COPY pyproject.toml README.md LICENSE ./
COPY core core
COPY routing routing
COPY payments payments
COPY bots bots
COPY migrations migrations
RUN pip install . \
    && useradd --system --create-home --home-dir /var/lib/parentbrain --uid 10001 parentbrain \
    && install -d -o parentbrain -g parentbrain /var/lib/parentbrain/files

# Listen on every interface inside the container; /healthz, /readyz, /metrics and webhooks.
ENV PARENTBRAIN_HTTP_HOST=0.0.0.0 \
    PARENTBRAIN_HTTP_PORT=8080 \
    PARENTBRAIN_LOG_FORMAT=json
EXPOSE 8080

USER parentbrain
WORKDIR /var/lib/parentbrain
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(f\"http://127.0.0.1:{os.environ['PARENTBRAIN_HTTP_PORT']}/healthz\", timeout=4)"]
# SIGTERM lets every chat's send in flight finish and be recorded, then exits 0.
STOPSIGNAL SIGTERM
ENTRYPOINT ["parentbrain"]
CMD ["run"]
