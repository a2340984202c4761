#!/usr/bin/env bash
# SIPp wrapper for ../shared/bench/register-load.sh (passed as SIPP=this-file).
#
# register-load.sh runs SIPp with `-auth_uri sip:DOMAIN`, but SIPp itself prefixes the
# -auth_uri value with "sip:", so the Authorization header carries uri="sip:sip:DOMAIN".
# Kamailio's auth module does not compare the digest uri with the Request-URI and accepts
# it; sipreg does (RFC 7616 §3.4.6 / RFC 2617 §3.2.2.5) and answers 401 again, so every
# authenticated call would fail. This wrapper strips the extra "sip:" so that both servers
# get the same, correct uri="sip:DOMAIN". Everything else is passed to sipp unchanged.
set -euo pipefail
args=()
fix=0
for a in "$@"; do
  if [ "$fix" = 1 ]; then a=${a#sip:}; fix=0; fi
  [ "$a" = -auth_uri ] && fix=1
  args+=("$a")
done
exec "${REAL_SIPP:-sipp}" "${args[@]}"
