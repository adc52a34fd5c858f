#!/usr/bin/env bash
# Build the glue that runs Pulumi's own SDK code generators on the committed package schema
# (`npm run sdks`, test/provider/generated-sdks.test.ts):
#   pulumi-sdkgen         tools/pulumi-sdkgen, the Python and Go generators
#   pulumi-sdkgen-dotnet  tools/pulumi-sdkgen-dotnet, the .NET generator
#
# Each is pinned like the CLI (scripts/setup-pulumi.sh), to a pkg/v3 version a module of the
# engine build already requires, so the module cache that build filled serves it:
#   - tools/pulumi-sdkgen requires github.com/pulumi/pulumi/pkg/v3 at exactly the version
#     tools/pulumi/go.mod (the CLI) does;
#   - tools/pulumi-sdkgen-dotnet requires it at exactly the version tools/pulumi-yaml/go.mod (the
#     YAML language host) does: later versions than that host's (v3.206.0) no longer hold
#     codegen/dotnet, which moved to github.com/pulumi/pulumi-dotnet, a module the Go module proxy
#     does not serve. Two versions of pkg/v3 need two modules.
# The binaries go to .tools/pulumi-sdkgen/bin/; each is rebuilt only when its stamp (go.mod,
# go.sum, source, recipe) changes.
#
# Usage: scripts/setup-pulumi-sdkgen.sh
#   Progress goes to stderr; the LAST line of stdout is the bin directory holding both tools.
set -euo pipefail

MIN_GO_MINOR=25

log() { printf '%s\n' "setup-pulumi-sdkgen: $*" >&2; }
die() {
  log "ERROR: $*"
  exit 1
}

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$script_dir/.." && pwd)"
tools_dir="$repo_root/.tools/pulumi-sdkgen"
bin_dir="$tools_dir/bin"
lock_file="$tools_dir.lock"

pinned_of() { awk -v mod="$1" '$1 == mod { print $2; exit } $1 == "require" && $2 == mod { print $3; exit }' "$2"; }
hash_of() { sha256sum "$@" | awk '{ print $1 }' | sha256sum | awk '{ print $1 }'; }

mkdir -p "$tools_dir"
exec 9>"$lock_file"
if ! flock -n 9; then
  log "another setup-pulumi-sdkgen run holds the lock; waiting…"
  flock 9
fi

go_checked=
need_go() {
  [ -z "$go_checked" ] || return 0
  command -v go >/dev/null 2>&1 || die "go not found: building $1 needs Go >= 1.$MIN_GO_MINOR"
  local go_version
  go_version="$(go env GOVERSION 2>/dev/null || true)"
  if ! [[ "$go_version" =~ ^go1\.([0-9]+) ]] || [ "${BASH_REMATCH[1]}" -lt "$MIN_GO_MINOR" ]; then
    die "found ${go_version:-an unknown Go version}: building $1 needs Go >= 1.$MIN_GO_MINOR"
  fi
  go_checked=1
}

# provision <tool> <go.mod whose pkg/v3 it must pin> <what that go.mod builds>
provision() {
  local name="$1" pin_mod="$2" pin_owner="$3"
  local mod_dir="$repo_root/tools/$name" stamp_file="$tools_dir/stamp-$name"
  [ -f "$mod_dir/go.mod" ] && [ -f "$mod_dir/go.sum" ] || die "missing $mod_dir/go.mod or go.sum"

  local want_version gen_version
  want_version="$(pinned_of github.com/pulumi/pulumi/pkg/v3 "$pin_mod")"
  gen_version="$(pinned_of github.com/pulumi/pulumi/pkg/v3 "$mod_dir/go.mod")"
  [[ "$want_version" =~ ^v3\.[0-9]+\.[0-9]+$ ]] ||
    die "could not read the pinned pkg/v3 version of $pin_owner from ${pin_mod#"$repo_root"/}"
  [ "$gen_version" = "$want_version" ] ||
    die "tools/$name pins pkg/v3 $gen_version but $pin_owner pins $want_version: they must be the same"

  # Bump recipe= when changing the build flags below.
  local want_stamp
  want_stamp="recipe=1 pulumi=$gen_version gosum=$(hash_of "$mod_dir/go.sum") gomod=$(hash_of "$mod_dir/go.mod") src=$(hash_of "$mod_dir"/*.go)"
  if [ -x "$bin_dir/$name" ] && [ -f "$stamp_file" ] && [ "$(cat "$stamp_file")" = "$want_stamp" ]; then
    log "$name (pkg/v3 $gen_version) is up to date in $bin_dir"
    return 0
  fi

  need_go "$name"
  log "building $name with pkg/v3 $gen_version (after the engine build: about a minute)…"
  local started=$SECONDS stage="$tools_dir/.stage"
  rm -rf "$stage" "$stamp_file"
  mkdir -p "$stage" "$bin_dir"
  # The same flags as the CLI build in scripts/setup-pulumi.sh, for the same reasons: -mod=readonly
  # fails instead of editing go.mod/go.sum, -buildvcs=false and GOWORK=off keep git and any
  # enclosing go.work out of it.
  (
    cd "$mod_dir"
    GOWORK=off CGO_ENABLED=0 go build -mod=readonly -buildvcs=false -p 2 -trimpath -ldflags "-s -w" -o "$stage/" .
  ) >&2 || die "go build of $name failed (see above)"
  mv -f "$stage/$name" "$bin_dir/$name"
  rm -rf "$stage"
  printf '%s\n' "$want_stamp" >"$stamp_file"
  log "built $name in $((SECONDS - started))s → $bin_dir"
}

provision pulumi-sdkgen "$repo_root/tools/pulumi/go.mod" "the CLI"
provision pulumi-sdkgen-dotnet "$repo_root/tools/pulumi-yaml/go.mod" "the YAML language host"
printf '%s\n' "$bin_dir"
