# One image for every service and the gateway; docker-compose.yml picks what each container runs.
FROM python:3.11-slim
WORKDIR /app
ENV PYTHONUNBUFFERED=1 PYTHONWARNINGS=ignore::DeprecationWarning
COPY constraints.txt ./
COPY common common
COPY services services
COPY gateway gateway
RUN pip install --no-cache-dir -c constraints.txt ./common ./services/identity ./services/accounts ./services/billing ./services/monitoring ./services/notifications ./services/audit ./gateway
