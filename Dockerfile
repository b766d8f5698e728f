# One image for every service and the gateway; docker-compose.yml and deploy/kubernetes/ pick what
# each container runs.
FROM python:3.11-slim
WORKDIR /app
# Every container serves its metrics on 0.0.0.0:9100 (a process outside a container has its own
# default); bytecode is compiled at install, so nothing is written beside the code at run time.
ENV PYTHONUNBUFFERED=1 PYTHONWARNINGS=ignore::DeprecationWarning PYTHONDONTWRITEBYTECODE=1 \
    METRICS_ADDRESS=0.0.0.0:9100
COPY constraints.txt ./
COPY common common
COPY services services
COPY gateway gateway
# libargon2 stays PyPI's wheel here (`make setup` builds it for its own CPU): an image runs on CPUs
# other than the one that built it.
RUN pip install --no-cache-dir -c constraints.txt ./common ./services/identity ./services/accounts ./services/billing ./services/monitoring ./services/notifications ./services/audit ./gateway

# Never root. The user is numeric so that Kubernetes' runAsNonRoot can check it without a passwd
# lookup; data/ is the one place a process writes (notifications' mail files without SMTP_URL).
RUN groupadd --system --gid 10001 portal \
    && useradd --system --uid 10001 --gid portal --home-dir /app --no-create-home --shell /usr/sbin/nologin portal \
    && mkdir -p data/mail && chown -R portal:portal data
USER 10001:10001
EXPOSE 8000 9100

# Alive: the process answers on its metrics address, which every process serves from its own event
# loop (a wedged process stops answering). The gateway's compose service asks its /livez instead;
# Kubernetes ignores HEALTHCHECK and uses the probes in deploy/kubernetes/.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/metrics' % os.environ['METRICS_ADDRESS'].rpartition(':')[2], timeout=3)"]
