#!/usr/bin/env bash
# Build tools/pulumi-sdkgen, the glue that runs Pulumi's own SDK code generators on the committed
# package schema (`npm run sdks`, test/provider/generated-sdks.test.ts).
#
# It is pinned like the CLI (scripts/setup-pulumi.sh): tools/pulumi-sdkgen/go.mod requires
# github.com/pulumi/pulumi/pkg/v3 at exactly the version tools/pulumi/go.mod does, so the module
# cache the engine build filled serves it. The binary goes to .tools/pulumi-sdkgen/bin/ and is
# rebuilt only when its stamp (go.mod, go.sum, source, recipe) changes.
#
# Usage: scripts/setup-pulumi-sdkgen.sh
#   Progress goes to stderr; the LAST line of stdout is the bin directory holding pulumi-sdkgen.
set -euo pipefail

MIN_GO_MINOR=25

log() { printf '%s\n' "setup-pulumi-sdkgen: $*" >&2; }
die() {
  log "ERROR: $*"
  exit 1
}

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$script_dir/.." && pwd)"
mod_dir="$repo_root/tools/pulumi-sdkgen"
cli_mod="$repo_root/tools/pulumi/go.mod"
tools_dir="$repo_root/.tools/pulumi-sdkgen"
bin_dir="$tools_dir/bin"
stamp_file="$tools_dir/stamp"
lock_file="$tools_dir.lock"

[ -f "$mod_dir/go.mod" ] && [ -f "$mod_dir/go.sum" ] || die "missing $mod_dir/go.mod or go.sum"

pinned_of() { awk -v mod="$1" '$1 == mod { print $2; exit } $1 == "require" && $2 == mod { print $3; exit }' "$2"; }
cli_version="$(pinned_of github.com/pulumi/pulumi/pkg/v3 "$cli_mod")"
gen_version="$(pinned_of github.com/pulumi/pulumi/pkg/v3 "$mod_dir/go.mod")"
[[ "$cli_version" =~ ^v3\.[0-9]+\.[0-9]+$ ]] || die "could not read the CLI's pinned pkg/v3 version from tools/pulumi/go.mod"
[ "$gen_version" = "$cli_version" ] ||
  die "tools/pulumi-sdkgen pins pkg/v3 $gen_version but the CLI pins $cli_version: they must be the same"

hash_of() { sha256sum "$@" | awk '{ print $1 }' | sha256sum | awk '{ print $1 }'; }
# Bump recipe= when changing the build flags below.
want_stamp="recipe=1 pulumi=$gen_version gosum=$(hash_of "$mod_dir/go.sum") gomod=$(hash_of "$mod_dir/go.mod") src=$(hash_of "$mod_dir"/*.go)"

mkdir -p "$tools_dir"
exec 9>"$lock_file"
if ! flock -n 9; then
  log "another setup-pulumi-sdkgen run holds the lock; waiting…"
  flock 9
fi

if [ -x "$bin_dir/pulumi-sdkgen" ] && [ -f "$stamp_file" ] && [ "$(cat "$stamp_file")" = "$want_stamp" ]; then
  log "pulumi-sdkgen (pkg/v3 $gen_version) is up to date in $bin_dir"
  printf '%s\n' "$bin_dir"
  exit 0
fi

command -v go >/dev/null 2>&1 || die "go not found: building pulumi-sdkgen needs Go >= 1.$MIN_GO_MINOR"
go_version="$(go env GOVERSION 2>/dev/null || true)"
if ! [[ "$go_version" =~ ^go1\.([0-9]+) ]] || [ "${BASH_REMATCH[1]}" -lt "$MIN_GO_MINOR" ]; then
  die "found ${go_version:-an unknown Go version}: building pulumi-sdkgen needs Go >= 1.$MIN_GO_MINOR"
fi

log "building pulumi-sdkgen with pkg/v3 $gen_version (after the CLI build: under a minute)…"
started=$SECONDS
stage="$tools_dir/.stage"
rm -rf "$stage" "$stamp_file"
mkdir -p "$stage" "$bin_dir"
# The same flags as the CLI build in scripts/setup-pulumi.sh, for the same reasons: -mod=readonly
# fails instead of editing go.mod/go.sum, -buildvcs=false and GOWORK=off keep git and any
# enclosing go.work out of it.
(
  cd "$mod_dir"
  GOWORK=off CGO_ENABLED=0 go build -mod=readonly -buildvcs=false -p 2 -trimpath -ldflags "-s -w" -o "$stage/" .
) >&2 || die "go build of pulumi-sdkgen failed (see above)"
mv -f "$stage/pulumi-sdkgen" "$bin_dir/pulumi-sdkgen"
rm -rf "$stage"
printf '%s\n' "$want_stamp" >"$stamp_file"
log "built pulumi-sdkgen in $((SECONDS - started))s → $bin_dir"
printf '%s\n' "$bin_dir"
