#!/usr/bin/env bash
# Debian packages Vegviser needs. `run`: Pango and HarfBuzz for PDF documents (WeasyPrint) and a font.
# `test`: those, plus gettext (translation catalogue checks) and Chromium (browser tests).
# Installs what is missing when run as root; otherwise says what to install.
set -euo pipefail
purpose="${1:-test}"
missing=()
has_library() { /sbin/ldconfig -p 2>/dev/null | grep "$1" >/dev/null; }
has_library libpango-1.0.so.0 || missing+=(libpango-1.0-0)
has_library libpangoft2-1.0.so.0 || missing+=(libpangoft2-1.0-0)
has_library libharfbuzz-subset.so.0 || missing+=(libharfbuzz-subset0)
[ -d /usr/share/fonts/truetype/dejavu ] || missing+=(fonts-dejavu-core)
if [ "$purpose" = "test" ]; then
  command -v msgfmt >/dev/null 2>&1 || missing+=(gettext)
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
fi
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "Please install these Debian packages first: ${missing[*]}" >&2
  exit 1
fi
