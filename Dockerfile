# syntax=docker/dockerfile:1
# ClockKo auth service image. The build stage runs the same commands as a developer's machine
# (scripts/install-deps.sh, then `make build`), so the image and `make` share one dependency list;
# the runtime stage holds the binary and its shared libraries only.
#
#   docker build -t clockko .
#   docker run --rm -p 8000:8000 clockko          # SQLite in /app, development settings
# The server applies its database migrations at start; configure it with the environment
# variables of its Configuration section (docker-compose.yml and the ECS task show them).

# --- build ------------------------------------------------------------------------------------------
FROM debian:12 AS build
ENV DEBIAN_FRONTEND=noninteractive
WORKDIR /src

# The package list first, so that the apt layer is cached until the list changes.
COPY scripts/install-deps.sh scripts/install-deps.sh
RUN scripts/install-deps.sh build && rm -rf /var/lib/apt/lists/*

COPY . .
RUN make build \
    && strip build/release/clockko \
    && build/release/clockko version

# --- runtime ----------------------------------------------------------------------------------------
FROM debian:12-slim AS runtime
ENV DEBIAN_FRONTEND=noninteractive

# Shared libraries of the binary, from the same script (its `runtime` list):
# libboost-json1.81.0 libssl3 libcrypt1 libjwt0 libpq5 libsqlite3-0 libcurl4 ca-certificates.
COPY scripts/install-deps.sh /tmp/install-deps.sh
RUN /tmp/install-deps.sh runtime && rm -rf /var/lib/apt/lists/* /tmp/install-deps.sh

# A fixed, unprivileged user; /app is its working directory (a SQLite file, when used, lives here).
RUN groupadd --system --gid 10001 clockko \
    && useradd --system --uid 10001 --gid clockko --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin clockko \
    && install -d -o clockko -g clockko -m 0750 /app

COPY --from=build /src/build/release/clockko /usr/local/bin/clockko
# Fails the build when a shared library is missing from the runtime list.
RUN clockko version

WORKDIR /app
USER 10001:10001
ENV HOST=0.0.0.0 \
    PORT=8000
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["clockko", "healthcheck"]

STOPSIGNAL SIGTERM
ENTRYPOINT ["clockko"]
CMD ["serve"]
