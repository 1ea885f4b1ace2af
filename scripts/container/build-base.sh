#!/usr/bin/env bash
# Builds the local base image `localhost/podium-base:bookworm` from Debian's packages with debootstrap,
# for machines that cannot reach an image registry (the Dockerfile's BASE_IMAGE). Needs root, debootstrap
# and podman (Debian: apt-get install debootstrap podman). About a minute; reuses an existing image
# unless REBUILD=1.
#
# The image also trusts the extra certificate authorities this machine trusts
# (/usr/local/share/ca-certificates), so that builds behind a TLS-inspecting proxy reach the npm registry.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export CONTAINERS_CONF=${CONTAINERS_CONF:-$here/containers.conf}
image=${BASE_IMAGE:-localhost/podium-base:bookworm}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

if [ "${REBUILD:-0}" != 1 ] && podman image exists "$image"; then
	echo "base image $image exists (REBUILD=1 to make it again)"
	exit 0
fi
work=$(mktemp -d /var/tmp/podium-base.XXXXXX)
trap 'rm -rf "$work"' EXIT
echo "debootstrap bookworm (minbase) from $mirror"
debootstrap --variant=minbase --include=ca-certificates bookworm "$work/rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 ||
	{ tail -20 "$work/debootstrap.log"; exit 1; }
if compgen -G '/usr/local/share/ca-certificates/*.crt' >/dev/null; then
	cp /usr/local/share/ca-certificates/*.crt "$work/rootfs/usr/local/share/ca-certificates/"
	chroot "$work/rootfs" update-ca-certificates >/dev/null
fi
# Smaller: no apt lists or caches, no documentation.
rm -rf "$work"/rootfs/var/lib/apt/lists/* "$work"/rootfs/var/cache/apt/*.bin "$work"/rootfs/usr/share/doc/* "$work"/rootfs/usr/share/man/*
tar -C "$work/rootfs" -c . | podman import --change 'CMD ["/bin/bash"]' - "$image" >/dev/null
echo "base image $image: $(podman image inspect --format '{{.Size}}' "$image") bytes"
