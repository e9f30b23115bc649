# syntax=docker/dockerfile:1
#
# One Dockerfile for every Deja service. `APP` picks the service whose main the image runs:
#
#   docker build --build-arg APP=gateway              -t deja/gateway .
#   docker build --build-arg APP=embedding-service    -t deja/embedding-service .
#   (llm-worker, invalidation-service, provider-simulator likewise)
#
# Stages: deps (full npm ci, cached on the lockfile) -> build (SWC to dist/) and model (the
# ONNX embedding model, embedding-service only) -> runtime (production dependencies, dist/,
# models/, non-root). The image can also run another service than the one it was built for
# by overriding DEJA_APP, but only an embedding-service build carries the model.

ARG NODE_IMAGE=node:20-bookworm-slim

# ---------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
# .npmrc carries `onnxruntime-node-install=skip`: onnxruntime-node's install step would
# otherwise try to download extra (GPU) binaries; the CPU binaries ship inside the package.
COPY package.json package-lock.json .npmrc ./
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund

# ---------------------------------------------------------------------------------------------
FROM deps AS build
COPY . .
RUN npm run build

# ---------------------------------------------------------------------------------------------
# Optional local source of models for offline builds: by default empty. To use models that
# `scripts/setup-model.sh` already put on the host, build with
#   docker build --build-context model-src=./models --build-arg APP=embedding-service .
FROM scratch AS model-src

# The model is fetched in its own stage so that editing application code does not fetch it
# again: only a change to scripts/ (or to the dependencies) invalidates this layer.
# setup-model.sh tries, in order: the model-src context (DEJA_MODEL_SOURCE_DIR), mvn (not
# installed here) and the public model hub over curl (DEJA_MODEL_HUB_URL to use a mirror).
FROM deps AS model
ARG APP=gateway
# auto: only the embedding-service image carries a model; true/false force it.
ARG WITH_MODEL=auto
# Empty: setup-model.sh's default model. Must match DEJA_EMBEDDING_MODEL at run time.
ARG DEJA_EMBEDDING_MODEL=
ARG DEJA_MODEL_HUB_URL=https://huggingface.co
ENV DEJA_MODELS_DIR=/app/models
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl ca-certificates unzip \
 && rm -rf /var/lib/apt/lists/*
COPY scripts/ ./scripts/
RUN --mount=type=bind,from=model-src,target=/model-src \
    mkdir -p "$DEJA_MODELS_DIR" \
 && if [ "$WITH_MODEL" = "true" ] || { [ "$WITH_MODEL" = "auto" ] && [ "$APP" = "embedding-service" ]; }; then \
      DEJA_MODEL_SOURCE_DIR=/model-src DEJA_EMBEDDING_MODEL="$DEJA_EMBEDDING_MODEL" \
        DEJA_MODEL_HUB_URL="$DEJA_MODEL_HUB_URL" bash scripts/setup-model.sh \
      && test -n "$(ls -A "$DEJA_MODELS_DIR")" \
      || { echo "scripts/setup-model.sh left $DEJA_MODELS_DIR empty" >&2; exit 1; }; \
    fi

# ---------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ARG APP=gateway

# tini as PID 1: forwards SIGTERM to node (so Kafka consumers leave their group cleanly on a
# rolling update) and reaps zombies.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini ca-certificates \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json .npmrc ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --no-audit --no-fund

COPY --from=build /app/dist ./dist
COPY --from=model /app/models ./models

# Containers must listen on all interfaces (the services default to 127.0.0.1).
ENV DEJA_APP=${APP} \
    HOST=0.0.0.0 \
    DEJA_MODELS_DIR=/app/models \
    LOG_LEVEL=log

# The `node` user of the base image, numerically, so Kubernetes' runAsNonRoot can verify it.
# Nothing under /app is writable by it: the code and the model are read-only at run time.
USER 1000:1000

ENTRYPOINT ["/usr/bin/tini", "--"]
# Shell form so DEJA_APP is expanded; `exec` makes node the direct child of tini.
CMD exec node "dist/apps/${DEJA_APP}/src/main.js"
