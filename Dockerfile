# eventbus-emulator: Amazon EventBridge and Amazon SQS on one port.
#
#   docker build -t eventbus-emulator .
#   docker run --rm -p 4566:4566 -v "$PWD/rules:/rules:ro" eventbus-emulator
#
# BASE may be any image with python3 (3.11 or later) and its venv module; CI builds this same
# file on a locally made Debian base where no image registry is reachable.
ARG BASE=python:3.12-slim

# ---- build: a virtual environment with the emulator and its dependencies, then without pip ----
FROM ${BASE} AS build
ENV VIRTUAL_ENV=/opt/eventbus-emulator \
    PATH=/opt/eventbus-emulator/bin:$PATH \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /build

# The dependencies, read from pyproject.toml, in a step of their own: a change to the code
# rebuilds only the steps below it.
COPY pyproject.toml ./
RUN python3 -m venv "$VIRTUAL_ENV" \
 && python -c 'import tomllib; print(*tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"], sep="\n")' \
      > requirements.txt \
 && pip install --no-cache-dir -r requirements.txt

COPY README.md ./
COPY emulator ./emulator
# pip and setuptools are only needed to install: the runtime image is smaller without them.
RUN pip install --no-cache-dir --no-deps . \
 && pip uninstall --yes pip setuptools

# ---- runtime ----------------------------------------------------------------------------------
FROM ${BASE}

LABEL org.opencontainers.image.title="eventbus-emulator" \
      org.opencontainers.image.description="A local Amazon EventBridge and Amazon SQS with seeded chaos" \
      org.opencontainers.image.licenses="Apache-2.0"

RUN useradd --system --create-home --home-dir /home/eventbus --uid 10001 --user-group eventbus \
 && mkdir /rules
COPY --from=build /opt/eventbus-emulator /opt/eventbus-emulator

# The rules folder: mount yours over it (read-only is enough). A directory rather than a VOLUME,
# so runs without a mount leave no anonymous volumes behind.
ENV VIRTUAL_ENV=/opt/eventbus-emulator \
    PATH=/opt/eventbus-emulator/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    EVENTBUS_RULES=/rules

WORKDIR /home/eventbus
USER 10001:10001
EXPOSE 4566

# Docker runs the first probe one interval after the start, so the interval bounds the time to
# "healthy"; each probe retries for up to 2 s while the server is still starting. With Docker 25
# or later, `docker run --health-interval=30s --health-start-interval=200ms` probes less often.
HEALTHCHECK --interval=1s --timeout=3s --start-period=30s --retries=3 \
  CMD ["python", "-I", "-S", "-c", "import time, urllib.request as u\nend = time.monotonic() + 2\nwhile True:\n    try:\n        u.urlopen('http://127.0.0.1:4566/_emulator/health', timeout=1)\n        break\n    except OSError:\n        if time.monotonic() > end:\n            raise SystemExit(1)\n        time.sleep(0.1)"]

# Exec form: SIGTERM (docker stop) reaches the server, which shuts down and exits 0.
CMD ["eventbus-emulator", "serve", "--host", "0.0.0.0", "--port", "4566"]
