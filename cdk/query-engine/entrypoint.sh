#!/bin/sh
# The query engine reads its TLS certificate and key from files (WARDEN_QUERY_TLS_CERT_FILE /
# WARDEN_QUERY_TLS_KEY_FILE); ECS hands Secrets Manager values over as environment variables only.
# This writes the PEMs ECS injected into the task's private volume, drops them from the
# environment (so no child process or crash dump inherits the key), then runs the command.
set -eu
umask 077
dir="${WARDEN_QUERY_TLS_DIR:-/run/warden}"
if [ -n "${WARDEN_QUERY_TLS_CERT_PEM:-}" ] || [ -n "${WARDEN_QUERY_TLS_KEY_PEM:-}" ]; then
  if [ -z "${WARDEN_QUERY_TLS_CERT_PEM:-}" ] || [ -z "${WARDEN_QUERY_TLS_KEY_PEM:-}" ]; then
    echo 'query engine: the tls secret needs both `certificate` and `privateKey`' >&2
    exit 1
  fi
  mkdir -p "$dir"
  printf '%s\n' "$WARDEN_QUERY_TLS_CERT_PEM" > "$dir/tls.crt"
  printf '%s\n' "$WARDEN_QUERY_TLS_KEY_PEM" > "$dir/tls.key"
  export WARDEN_QUERY_TLS_CERT_FILE="$dir/tls.crt" WARDEN_QUERY_TLS_KEY_FILE="$dir/tls.key"
fi
unset WARDEN_QUERY_TLS_CERT_PEM WARDEN_QUERY_TLS_KEY_PEM WARDEN_QUERY_TLS_DIR
exec "$@"
