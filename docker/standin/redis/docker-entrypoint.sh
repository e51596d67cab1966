#!/bin/sh
# `redis-server [args]` as the official image runs it: protected mode off unless the arguments set it.
set -eu
if [ "${1:-}" = redis-server ]; then
  case " $* " in
    *" --protected-mode "*) ;;
    *) set -- "$@" --protected-mode no ;;
  esac
fi
exec "$@"
