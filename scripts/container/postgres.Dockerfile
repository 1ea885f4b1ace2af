# A stand-in for the official `postgres` image, from Debian's packages, for the offline stack test
# (no image registry here). Same contract as far as compose.yaml uses it: POSTGRES_USER,
# POSTGRES_PASSWORD and POSTGRES_DB create the database on first start, the data lives in
# /var/lib/postgresql/data, pg_isready answers the health check.
ARG BASE_IMAGE=localhost/podium-base:bookworm
FROM ${BASE_IMAGE}
RUN mkdir -p /etc/postgresql-common/createcluster.d \
	&& echo 'create_main_cluster = false' >/etc/postgresql-common/createcluster.d/no-main.conf \
	&& apt-get update \
	&& DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql-15 \
	&& rm -rf /var/lib/apt/lists/*
COPY postgres-entrypoint.sh /usr/local/bin/postgres-entrypoint.sh
ENV PATH=/usr/lib/postgresql/15/bin:$PATH PGDATA=/var/lib/postgresql/data
EXPOSE 5432
CMD ["/usr/local/bin/postgres-entrypoint.sh"]
