# syntax=docker/dockerfile:1
# ocppsim in a container: `docker build -t ocppsim .`, then e.g. `docker run --rm ocppsim csms --host 0.0.0.0`.
# compose.yaml starts the built-in central system and a 100-charger fleet with its dashboard.

# ---- build: install the package and its dependencies into a virtual environment
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
# The compiled dependencies (orjson, picows, uvloop, pydantic-core) come as manylinux wheels: no compiler.
COPY pyproject.toml README.md ./
COPY src ./src
RUN python -m venv /opt/ocppsim \
    && /opt/ocppsim/bin/pip install --upgrade pip \
    && /opt/ocppsim/bin/pip install . \
    && /opt/ocppsim/bin/ocppsim --version

# ---- runtime: the same Python, the virtual environment, a user without privileges
FROM python:3.11-slim AS runtime
RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin ocppsim \
    && mkdir /data && chown ocppsim:ocppsim /data
COPY --from=build /opt/ocppsim /opt/ocppsim
ENV PATH=/opt/ocppsim/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    OCPPSIM_HEALTH_URL=http://127.0.0.1:8080/api/health
USER ocppsim
WORKDIR /data
# 9000: `ocppsim csms`; 8080: the REST API and dashboard (--http); 1234: a charger's text command interface.
EXPOSE 9000 8080 1234
# The REST API's liveness (/api/health), with the bearer token when one is set ($OCPPSIM_HTTP_TOKEN); the
# slim image has no curl, so Python asks. A container without --http (e.g. `csms`) sets its own check.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, sys, urllib.request as u; t = os.environ.get('OCPPSIM_HTTP_TOKEN'); r = u.Request(os.environ['OCPPSIM_HEALTH_URL'], headers={'Authorization': 'Bearer ' + t} if t else {}); sys.exit(0 if u.urlopen(r, timeout=4).status == 200 else 1)"]
ENTRYPOINT ["ocppsim"]
CMD ["--help"]
