#!/usr/bin/env bash
# Debian packages the features need (idempotent): Pango/HarfBuzz for WeasyPrint's PDF handbooks and
# a CJK font so Chinese renders. Without them the system still runs; only PDF export is refused.
set -u
packages=(fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0)
if dpkg -s "${packages[@]}" >/dev/null 2>&1; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "system-deps: not a Debian system; install a CJK font and Pango for PDF handbooks" >&2
  exit 0
fi
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "system-deps: installing ${packages[*]}"
($SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${packages[@]}") \
  || echo "system-deps: could not install ${packages[*]}: PDF handbooks will be unavailable" >&2
exit 0
