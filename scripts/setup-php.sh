#!/usr/bin/env bash
# Provision what the delivery tests take their expected values from, so that `npm test` passes on
# a fresh machine with nothing installed by hand (as scripts/setup-pulumi.sh does for the engine):
#   php + its curl extension   the worker's own json_encode and libcurl (test/emulator/php.ts)
#   openssl                    HMAC signatures from the OpenSSL CLI (test/emulator/delivery-bytes.test.ts)
# Those tests have no other independent source, so without these tools they fail; they never skip.
#
# Usage: scripts/setup-php.sh   (`npm test` runs it first)
#   1. all present: prints one line and exits (fast path: one `php -m`, no apt-get);
#   2. missing, and apt-get can run (root, or sudo without a password): `apt-get update` once,
#      then installs Debian's php-cli, php-curl and openssl, whichever are missing;
#   3. otherwise: exits 1 before anything runs, with ONE line naming what to install.
set -euo pipefail

log() { printf '%s\n' "setup-php: $*" >&2; }

# Bash string tests only: this runs before anything else is known to be installed.
has_php_curl() {
  local modules
  modules="$(php -m 2>/dev/null)" || return 1
  [[ $'\n'"$modules"$'\n' == *$'\n'curl$'\n'* ]]
}
has_openssl() { command -v openssl >/dev/null 2>&1; }

if has_php_curl && has_openssl; then
  log "php with curl and openssl are installed"
  exit 0
fi

# The packages to ask for. A php without curl that is not Debian's default version needs the
# curl package of its own version (php8.3-curl beside php8.3-cli), not the default's php-curl.
packages=()
if ! command -v php >/dev/null 2>&1; then
  packages+=(php-cli php-curl)
elif ! has_php_curl; then
  php_version="$(php -r 'echo PHP_MAJOR_VERSION, ".", PHP_MINOR_VERSION;' 2>/dev/null || true)"
  packages+=("php${php_version}-curl")
fi
has_openssl || packages+=(openssl)

as_root=()
if [ "$EUID" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null && as_root=(sudo -n)
fi
if ! command -v apt-get >/dev/null 2>&1 || { [ "$EUID" -ne 0 ] && [ ${#as_root[@]} -eq 0 ]; }; then
  # One line, before any test runs: what to install, and the command that does it on Debian.
  printf '%s\n' "setup-php: the tests need PHP's CLI with its curl extension and the OpenSSL CLI; install ${packages[*]} (Debian/Ubuntu: sudo apt-get install -y ${packages[*]}), then run npm test again" >&2
  exit 1
fi

log "installing ${packages[*]} from Debian's packages (apt-get update, then install)…"
started=$SECONDS
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq >&2
"${as_root[@]}" apt-get install -y -qq "${packages[@]}" >&2

if ! has_php_curl || ! has_openssl; then
  log "ERROR: installed ${packages[*]}, yet php -m lists no curl or openssl is not on PATH"
  exit 1
fi
log "installed ${packages[*]} in $((SECONDS - started))s"
