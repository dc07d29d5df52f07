# Switchyard in a container: a statically linked binary (x86_64-unknown-linux-musl)
# with its site beside it, on a distroless base with no shell and no libc, run as a
# non-root user on a read-only root file system (mount /data, the only writable path).
#
#   docker build -t switchyard .
#   docker run -p 3000:3000 -v switchyard-data:/data switchyard
#
# The same build without a container runtime: `source scripts/tools.sh && build_static release`
# leaves target/static/ (switchyard + site/); CI starts that binary from an empty directory.

FROM rust:1.95-bookworm AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends musl-tools nodejs npm \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN bash -c 'source scripts/tools.sh && build_static release'

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /src/target/static/ /app/
# Everything Switchyard writes (SQLite database, generated master key, backups) is here.
ENV SWITCHYARD_ADDR=0.0.0.0:3000 \
    SWITCHYARD_DATA_DIR=/data \
    SWITCHYARD_BACKUP_DIR=/data/backups \
    SWITCHYARD_LOG_FORMAT=json \
    SWITCHYARD_SHUTDOWN_DRAIN=5
VOLUME ["/data"]
EXPOSE 3000
USER 65532:65532
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD ["/app/switchyard", "health", "--url", "http://127.0.0.1:3000/health/live"]
ENTRYPOINT ["/app/switchyard"]
CMD ["serve"]
