#!/usr/bin/env bash
# Debian packages Vegviser needs. `run`: Pango and HarfBuzz for PDF documents (WeasyPrint) and a font.
# `test`: those, plus gettext (translation catalogue checks), Chromium (browser tests) and Node.js, which runs the
# OpenID Connect provider the login tests use (tests/oidc_provider, its packages installed here with `npm ci`).
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
  command -v node >/dev/null 2>&1 || missing+=(nodejs)
  command -v npm >/dev/null 2>&1 || missing+=(npm)
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "Please install these Debian packages first: ${missing[*]}" >&2
    exit 1
  fi
fi
if [ "$purpose" = "test" ]; then
  # The test provider's packages, exactly as locked; again only when the lock file has changed since.
  provider="$(dirname "$0")/../tests/oidc_provider"
  if [ ! "$provider/node_modules/.package-lock.json" -nt "$provider/package-lock.json" ]; then
    echo "Installing the test OpenID Connect provider's packages (npm ci)"
    (cd "$provider" && npm ci --no-audit --no-fund --loglevel=error)
  fi
fi
