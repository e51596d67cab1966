#!/usr/bin/env bash
# Builds the stand-in base images that docker-compose.yml can use instead of the public ones, for a machine
# that reaches Debian's packages and the npm registry but no image registry (no Docker Hub, no mcr.microsoft.com):
#
#   entra-api-chain/standin-debian:bookworm   debootstrap --variant=minbase bookworm, imported (root of the others)
#   entra-api-chain/standin-node:bookworm     + this machine's own `node` and `npm` (Node 20 is not in bookworm)
#   entra-api-chain/standin-postgres:15       + Debian's postgresql-15, entrypoint like the official image's
#   entra-api-chain/standin-redis:7           + Debian's redis-server 7.0
#   entra-api-chain/standin-azurite:3.35.0    standin-node + azurite from the npm registry
#   entra-api-chain/standin-nginx:bookworm    + Debian's nginx (the BFF's load balancer)
#
# then bring the chain up with the variables of docker/standin/images.env (docs/compose.md, "Offline"):
#
#   scripts/build-standin-images.sh
#   docker-compose --env-file docker/standin/images.env up -d --build
#
# Each image carries the hash of its inputs (script, Dockerfile, entrypoint, parent image, Node binary, Debian
# mirror) in the label org.entra-api-chain.input-hash; an image whose label matches is kept, not rebuilt, so a
# second run takes seconds. Needs root (debootstrap), a Docker engine, and `docker build --network host` reaching
# the mirror and the npm registry (a daemon started with --iptables=false gives bridge containers no NAT).
#
# Usage: scripts/build-standin-images.sh [--force]      --force rebuilds every image
#        DEBIAN_MIRROR=http://… scripts/build-standin-images.sh   (default: the mirror apt uses here)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
standin="$root/docker/standin"
force=false
[ "${1:-}" = "--force" ] && force=true

PREFIX=entra-api-chain/standin
LABEL=org.entra-api-chain.input-hash
SUITE=bookworm
AZURITE_VERSION=3.35.0
# Part of every image's input hash: bump it when the way an image is made changes outside its Dockerfile.
RECIPE=2

# Temporary directories (the debootstrap root, the Node build context), removed however the script ends.
scratch=()
trap 'rm -rf "${scratch[@]}"' EXIT

log() { printf '[standin] %s\n' "$*"; }
die() { printf '[standin] error: %s\n' "$*" >&2; exit 1; }

command -v docker >/dev/null || die "no docker CLI on PATH"
docker version --format '{{.Server.Version}}' >/dev/null 2>&1 ||
  die "no Docker engine answers (start one: dockerd --storage-driver=overlay2 --iptables=false &)"

# The Debian mirror apt already uses on this machine (deb822 .sources or a one-line sources.list).
debian_mirror() {
  if [ -n "${DEBIAN_MIRROR:-}" ]; then echo "$DEBIAN_MIRROR"; return; fi
  local uri
  uri="$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
    awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i ~ /\/debian\/?$/) { print $i; exit } }')"
  [ -n "$uri" ] || uri="$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
    awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^https?:.*\/debian\/?$/) { print $i; exit } }')"
  echo "${uri:-http://deb.debian.org/debian}"
}

sha() { sha256sum | cut -c1-32; }
image_id() { docker image inspect -f '{{.Id}}' "$1"; }
current() { # image hash → true when the image exists with that input hash
  ! $force && [ "$(docker image inspect -f "{{ index .Config.Labels \"$LABEL\" }}" "$1" 2>/dev/null)" = "$2" ]
}
timed() { # name command... → runs it and logs how long it took
  local start=$SECONDS
  "${@:2}"
  log "$1: $((SECONDS - start)) s"
}

# ── debian: debootstrap → docker import ─────────────────────────────────────────────────────────────────
build_debian() {
  local image="$PREFIX-debian:$SUITE" mirror hash
  mirror="$(debian_mirror)"
  hash="$(printf '%s\n' "$RECIPE" "$SUITE" "$mirror" minbase | sha)"
  if current "$image" "$hash"; then log "$image is current"; return; fi
  command -v debootstrap >/dev/null || die "debootstrap is missing: apt-get install -y debootstrap"
  local dir
  dir="$(mktemp -d /var/tmp/standin-debian.XXXXXX)"
  scratch+=("$dir" "$dir.log")
  log "debootstrap --variant=minbase $SUITE from $mirror (about 2 minutes)"
  debootstrap --variant=minbase "$SUITE" "$dir" "$mirror" >"$dir.log" 2>&1 ||
    { tail -n 20 "$dir.log" >&2; die "debootstrap failed (log: $dir.log)"; }
  rm -f "$dir.log"
  # What Debian's own container images configure: no service starts during package installs, no
  # recommended packages, no downloaded .deb files or package lists left in layers.
  printf '#!/bin/sh\nexit 101\n' >"$dir/usr/sbin/policy-rc.d"
  chmod 755 "$dir/usr/sbin/policy-rc.d"
  printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' >"$dir/etc/apt/apt.conf.d/90standin"
  printf 'DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb || true"; };\n' >"$dir/etc/apt/apt.conf.d/docker-clean"
  rm -rf "$dir"/var/lib/apt/lists/* "$dir"/var/cache/apt/archives/*.deb
  tar -C "$dir" -c . | docker import \
    --change "LABEL $LABEL=$hash" --change 'ENV DEBIAN_FRONTEND=noninteractive' --change 'CMD ["bash"]' \
    - "$image" >/dev/null
}

# ── images built from docker/standin/<name>/Dockerfile ─────────────────────────────────────────────────
# build_from IMAGE NAME PARENT EXTRA [CONTEXT]: the context defaults to docker/standin/<name>; EXTRA is any
# further input of the hash (a version, the Node binary's checksum).
build_from() {
  local image="$1" dir="$standin/$2" parent="$3" extra="$4" context="${5:-$standin/$2}" hash
  hash="$(printf '%s\n' "$RECIPE" "$(image_id "$parent")" \
    "$(find "$dir" -type f -print0 | sort -z | xargs -0 cat | sha)" "$extra" | sha)"
  if current "$image" "$hash"; then log "$image is current"; return; fi
  log "building $image"
  docker build --network host --quiet --force-rm -f "$dir/Dockerfile" --build-arg "BASE_IMAGE=$parent" \
    --label "$LABEL=$hash" -t "$image" "$context" >/dev/null
}

build_node() {
  local node npm context
  node="$(command -v node)" || die "no node on PATH to copy into the stand-in"
  npm="$(cd "$(dirname "$(readlink -f "$(command -v npm)")")/.." && pwd)"
  context="$(mktemp -d /var/tmp/standin-node.XXXXXX)"
  scratch+=("$context")
  cp "$node" "$context/node"
  cp -r "$npm" "$context/npm"
  # The certificate authorities this machine added to its trust store (a TLS-inspecting proxy between it
  # and the npm registry, say): npm in the image reaches the registry only if it trusts them as the host does.
  mkdir -p "$context/extra-ca"
  cp /usr/local/share/ca-certificates/*.crt "$context/extra-ca/" 2>/dev/null || true
  build_from "$PREFIX-node:$SUITE" node "$PREFIX-debian:$SUITE" \
    "$(sha <"$node") npm $(npm --version) ca $(cat "$context"/extra-ca/* 2>/dev/null | sha)" "$context"
}

total=$SECONDS
timed debian build_debian
timed node build_node
timed postgres build_from "$PREFIX-postgres:15" postgres "$PREFIX-debian:$SUITE" ""
timed redis build_from "$PREFIX-redis:7" redis "$PREFIX-debian:$SUITE" ""
timed nginx build_from "$PREFIX-nginx:$SUITE" nginx "$PREFIX-debian:$SUITE" ""
timed azurite build_from "$PREFIX-azurite:$AZURITE_VERSION" azurite "$PREFIX-node:$SUITE" "$AZURITE_VERSION"
log "stand-in images ready in $((SECONDS - total)) s; use them with: docker-compose --env-file docker/standin/images.env up -d --build"
