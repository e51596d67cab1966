#!/usr/bin/env bash
# Sourced by .ci/run: a Docker engine and the stand-in base images, so that the container suite
# (test/containers) runs docker-compose.yml for real instead of skipping.
#
# No image registry is reachable here: scripts/build-standin-images.sh builds the base images from Debian's
# packages (debootstrap) and this machine's Node, and keeps them between runs (each labelled with the hash of
# its inputs: unchanged inputs, no rebuild). The daemon runs with --iptables=false (no NAT for bridge
# containers): image builds use the host network, tests reach containers through ports published on loopback.
docker_missing=()
command -v dockerd >/dev/null 2>&1 || docker_missing+=(docker.io)
command -v debootstrap >/dev/null 2>&1 || docker_missing+=(debootstrap)
if [ ${#docker_missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${docker_missing[@]}" >/dev/null
fi
if ! docker version >/dev/null 2>&1; then
  mkdir -p test-artifacts
  setsid nohup dockerd --storage-driver=overlay2 --iptables=false >test-artifacts/dockerd.log 2>&1 </dev/null &
  for _ in $(seq 1 60); do docker version >/dev/null 2>&1 && break; sleep 1; done
  if ! docker version >/dev/null 2>&1; then
    echo "[ci] dockerd did not answer within 60 s; the end of test-artifacts/dockerd.log:" >&2
    tail -n 30 test-artifacts/dockerd.log >&2
    exit 1
  fi
fi
docker version --format 'docker engine {{.Server.Version}}'
bash scripts/build-standin-images.sh
# The container suite fails instead of skipping when the engine does not answer.
export CONTAINERS_REQUIRED=true
