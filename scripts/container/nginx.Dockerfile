# A stand-in for the official `nginx` image, from Debian's packages, for the offline stack test (no
# image registry here). compose.yaml mounts deploy/nginx.conf as /etc/nginx/nginx.conf either way.
ARG BASE_IMAGE=localhost/podium-base:bookworm
FROM ${BASE_IMAGE}
RUN apt-get update \
	&& DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nginx \
	&& rm -rf /var/lib/apt/lists/*
EXPOSE 80
CMD ["nginx", "-g", "daemon off;"]
