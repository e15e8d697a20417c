# syntax=docker/dockerfile:1
# The datapipe runtime image: Node 24 running the TypeScript sources directly (type stripping, no
# build step; see bin/datapipe.js), production dependencies only, as an unprivileged user.
#   docker build -t ghcr.io/datapipe/datapipe:0.1.0 .
#   docker run --rm ghcr.io/datapipe/datapipe:0.1.0 run /etc/datapipe/pipeline.yaml
# Pin the base by digest in CI (e.g. --build-arg NODE_IMAGE=node:24-bookworm-slim@sha256:...).
ARG NODE_IMAGE=node:24-bookworm-slim

# --- dependencies: installed from the lockfile, without devDependencies, in their own layer --------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# No install scripts: every runtime dependency is plain JavaScript or ships prebuilt binaries.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
  && npm cache clean --force

# --- runtime -----------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
  NODE_OPTIONS=--enable-source-maps
WORKDIR /app
COPY --from=deps --chown=root:root /app/node_modules ./node_modules
COPY --chown=root:root package.json ./
COPY --chown=root:root bin ./bin
COPY --chown=root:root src ./src
# `datapipe render` ships this script in the bare-metal etcd backup CronJob.
COPY --chown=root:root scripts/etcd-backup ./scripts/etcd-backup
# Files are owned by root and not writable by the runtime user; the root filesystem can be read-only
# (the platform mounts emptyDirs at /tmp and /var/lib/datapipe for state).
RUN mkdir -p /var/lib/datapipe && chown 10001:10001 /var/lib/datapipe
# Numeric, so that Kubernetes can verify runAsNonRoot; the same uid the rendered manifests use.
USER 10001:10001
# /metrics, /healthz, /readyz
EXPOSE 9464
ENTRYPOINT ["node", "bin/datapipe.js"]
CMD ["--help"]
