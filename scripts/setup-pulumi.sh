#!/usr/bin/env bash
# Provision the Pulumi engine for this project without get.pulumi.com:
#   pulumi                          the CLI, built from the Go module proxy
#   pulumi-language-nodejs          Node.js language host, for programs and policy packs
#                                   (tools/pulumi/pulumi-language-nodejs)
#   pulumi-resource-pulumi-nodejs   dynamic-provider launcher, copied from node_modules/@pulumi/pulumi
#   pulumi-language-yaml            Pulumi YAML language host, for programs with `runtime: yaml`
#
# The CLI and the Node host are pinned by tools/pulumi/go.mod + go.sum, the YAML host by
# tools/pulumi-yaml/go.mod + go.sum (a module of its own, so that its older Pulumi SDK never
# moves the CLI's pins). Binaries go to .tools/pulumi/bin/; each part has its own stamp.
#
# Usage: scripts/setup-pulumi.sh
#   Progress goes to stderr; the LAST line of stdout is the bin directory to put on PATH
#   (or to pass as PulumiCommand.get({ root: <dir>/.. })):
#     PATH="$(scripts/setup-pulumi.sh | tail -n1):$PATH"
#
# Order of preference:
#   1. a `pulumi` >= 3.200 already on PATH with a `pulumi-language-yaml` beside it: its
#      directory is printed, nothing is built;
#      set PULUMI_SETUP_IGNORE_PATH=1 to skip this and always use the pinned build;
#   2. the pinned build in .tools/pulumi/bin whose stamp matches go.mod/go.sum (fast path);
#   3. otherwise build it with Go >= 1.25 (cold: several minutes; Go's default module and
#      build caches are reused, so later rebuilds are fast).
set -euo pipefail

MIN_PATH_PULUMI_MINOR=200 # accept a pulumi 3.x with x >= this from PATH
MIN_GO_MINOR=25           # Go 1.x with x >= this can build (it fetches a newer toolchain
                          # from the Go module proxy itself if go.mod asks for one)

log() { printf '%s\n' "setup-pulumi: $*" >&2; }
die() {
  log "ERROR: $*"
  exit 1
}

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$script_dir/.." && pwd)"
mod_dir="$repo_root/tools/pulumi"
yaml_mod_dir="$repo_root/tools/pulumi-yaml"
tools_dir="$repo_root/.tools"
bin_dir="$tools_dir/pulumi/bin"
stamp_file="$tools_dir/pulumi/stamp"
yaml_stamp_file="$tools_dir/pulumi/stamp-yaml"
lock_file="$tools_dir/pulumi.lock"

[ -f "$mod_dir/go.mod" ] && [ -f "$mod_dir/go.sum" ] || die "missing $mod_dir/go.mod or go.sum"
[ -f "$yaml_mod_dir/go.mod" ] && [ -f "$yaml_mod_dir/go.sum" ] || die "missing $yaml_mod_dir/go.mod or go.sum"

# --- 1. a usable pulumi on PATH ---------------------------------------------------------
# (Our own build on PATH does not count: it goes through the stamp check below.)
if [ -z "${PULUMI_SETUP_IGNORE_PATH:-}" ] && path_pulumi="$(command -v pulumi 2>/dev/null)" &&
  [ "$(cd "$(dirname "$path_pulumi")" && pwd -P)" != "$(cd "$bin_dir" 2>/dev/null && pwd -P)" ]; then
  path_version="$(PULUMI_SKIP_UPDATE_CHECK=true "$path_pulumi" version 2>/dev/null | head -n1 || true)"
  path_bin_dir="$(cd "$(dirname "$path_pulumi")" && pwd)"
  if ! [[ "$path_version" =~ ^v?3\.([0-9]+)\. ]] || [ "${BASH_REMATCH[1]}" -lt "$MIN_PATH_PULUMI_MINOR" ]; then
    log "ignoring pulumi on PATH ($path_pulumi, version '${path_version:-unknown}'): need >= 3.$MIN_PATH_PULUMI_MINOR"
  elif [ ! -x "$path_bin_dir/pulumi-language-yaml" ]; then
    # The e2e suite runs a YAML program; one bin directory must hold every host.
    log "ignoring pulumi on PATH ($path_pulumi): no pulumi-language-yaml beside it"
  else
    log "using pulumi $path_version from PATH ($path_pulumi)"
    printf '%s\n' "$path_bin_dir"
    exit 0
  fi
fi

# --- pinned version and stamp -----------------------------------------------------------
pulumi_version="$(awk '$1 == "github.com/pulumi/pulumi/pkg/v3" { print $2; exit }' "$mod_dir/go.mod")"
[[ "$pulumi_version" =~ ^v3\.[0-9]+\.[0-9]+$ ]] ||
  die "could not read the pinned github.com/pulumi/pulumi/pkg/v3 version from tools/pulumi/go.mod"

hash_of() { sha256sum "$@" | awk '{ print $1 }' | sha256sum | awk '{ print $1 }'; }
# The stamp covers the pinned version, go.sum, go.mod, the language host's source and this
# script's build recipe (bump recipe= when changing flags below).
want_stamp="recipe=1 pulumi=$pulumi_version gosum=$(hash_of "$mod_dir/go.sum") gomod=$(hash_of "$mod_dir/go.mod") langhost=$(hash_of "$mod_dir"/pulumi-language-nodejs/*.go)"
yaml_version="$(awk '$1 == "github.com/pulumi/pulumi-yaml" { print $2; exit } $1 == "require" && $2 == "github.com/pulumi/pulumi-yaml" { print $3; exit }' "$yaml_mod_dir/go.mod")"
[[ "$yaml_version" =~ ^v[0-9]+\.[0-9]+\.[0-9]+$ ]] ||
  die "could not read the pinned github.com/pulumi/pulumi-yaml version from tools/pulumi-yaml/go.mod"
want_yaml_stamp="recipe=1 pulumi-yaml=$yaml_version gosum=$(hash_of "$yaml_mod_dir/go.sum") gomod=$(hash_of "$yaml_mod_dir/go.mod")"

mkdir -p "$tools_dir/pulumi"
exec 9>"$lock_file"
if ! flock -n 9; then
  log "another setup-pulumi run holds $lock_file; waiting…"
  flock 9
fi

copy_dynamic_provider() {
  local src="$repo_root/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"
  if [ -f "$src" ]; then
    cp "$src" "$bin_dir/.pulumi-resource-pulumi-nodejs.tmp"
    chmod +x "$bin_dir/.pulumi-resource-pulumi-nodejs.tmp"
    mv -f "$bin_dir/.pulumi-resource-pulumi-nodejs.tmp" "$bin_dir/pulumi-resource-pulumi-nodejs"
  else
    rm -f "$bin_dir/pulumi-resource-pulumi-nodejs"
    log "WARNING: node_modules/@pulumi/pulumi is not installed yet; dynamic providers will not work"
    log "         until you run 'npm ci' and then this script again."
  fi
}

need_go() {
  local need_msg="needs either a pulumi >= 3.$MIN_PATH_PULUMI_MINOR on PATH or Go >= 1.$MIN_GO_MINOR to build it"
  command -v go >/dev/null 2>&1 || die "go not found: this project $need_msg."
  go_version="$(go env GOVERSION 2>/dev/null || true)"
  if ! [[ "$go_version" =~ ^go1\.([0-9]+) ]] || [ "${BASH_REMATCH[1]}" -lt "$MIN_GO_MINOR" ]; then
    die "found ${go_version:-an unknown Go version}: this project $need_msg."
  fi
}

# Runs `go build` in the background with a heartbeat: a cold build is minutes of silence from
# go, and the heartbeat shows it is alive, not stuck. Usage: go_build <module dir> <out dir> <what> <pkgs…>
go_build() {
  local dir="$1" out="$2" what="$3" started=$SECONDS
  shift 3
  # Command-line flags override GOFLAGS from the environment: -mod=readonly makes the build
  # fail instead of silently editing go.mod/go.sum; -buildvcs=false avoids calling git (which
  # fails on checkouts owned by another user). GOWORK=off ignores any enclosing go.work.
  # CGO is off as in Pulumi's release builds (static binaries, no C compiler needed).
  (
    cd "$dir"
    GOWORK=off CGO_ENABLED=0 go build -mod=readonly -buildvcs=false -p 2 -trimpath -tags osusergo,grpcnotrace \
      -ldflags "$ldflags" -o "$out/" "$@"
  ) >&2 &
  local pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    sleep 1
    local elapsed=$((SECONDS - started))
    if [ $((elapsed % 20)) -eq 0 ] && [ "$elapsed" -gt 0 ]; then
      log "  still building $what… ${elapsed}s (downloading modules, then compiling)"
    fi
  done
  wait "$pid" || die "go build of $what failed (see above)"
}

# The YAML host has its own stamp, so adding or bumping it never rebuilds the CLI.
ensure_yaml_host() {
  if [ -x "$bin_dir/pulumi-language-yaml" ] && [ -f "$yaml_stamp_file" ] &&
    [ "$(cat "$yaml_stamp_file")" = "$want_yaml_stamp" ]; then
    return 0
  fi
  need_go
  log "building pulumi-language-yaml $yaml_version from the Go module proxy (cold: about a minute)…"
  local started=$SECONDS stage="$tools_dir/pulumi/.stage-yaml"
  rm -rf "$stage" "$yaml_stamp_file"
  mkdir -p "$stage" "$bin_dir"
  ldflags="-s -w -X github.com/pulumi/pulumi-yaml/pkg/version.Version=$yaml_version"
  go_build "$yaml_mod_dir" "$stage" pulumi-language-yaml github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml
  mv -f "$stage/pulumi-language-yaml" "$bin_dir/pulumi-language-yaml"
  rm -rf "$stage"
  printf '%s\n' "$want_yaml_stamp" >"$yaml_stamp_file"
  log "built pulumi-language-yaml $yaml_version in $((SECONDS - started))s"
}

# --- 2. fast path -----------------------------------------------------------------------
if [ -x "$bin_dir/pulumi" ] && [ -x "$bin_dir/pulumi-language-nodejs" ] &&
  [ -f "$stamp_file" ] && [ "$(cat "$stamp_file")" = "$want_stamp" ]; then
  copy_dynamic_provider
  ensure_yaml_host
  log "pulumi $pulumi_version is up to date in $bin_dir"
  printf '%s\n' "$bin_dir"
  exit 0
fi

# --- 3. build with Go -------------------------------------------------------------------
need_go

log "building pulumi CLI $pulumi_version from the Go module proxy (cold: several minutes)…"
log "  with $go_version; module cache $(go env GOMODCACHE), build cache $(go env GOCACHE)"
start=$SECONDS

stage="$tools_dir/pulumi/.stage"
rm -rf "$stage" "$stamp_file"
mkdir -p "$stage" "$bin_dir"

# The YAML host builds beside the CLI: its module downloads and single-threaded links fill the
# gaps of the CLI's build, which is most of a cold setup.
ensure_yaml_host &
yaml_pid=$!

ldflags="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$pulumi_version"
go_build "$mod_dir" "$stage" "the pulumi CLI" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi ./pulumi-language-nodejs
wait "$yaml_pid" || die "building pulumi-language-yaml failed (see above)"

mv -f "$stage/pulumi" "$bin_dir/pulumi"
mv -f "$stage/pulumi-language-nodejs" "$bin_dir/pulumi-language-nodejs"
rm -rf "$stage"
built_version="$(PULUMI_SKIP_UPDATE_CHECK=true "$bin_dir/pulumi" version 2>/dev/null || true)"
[ "$built_version" = "$pulumi_version" ] ||
  die "built pulumi reports version '$built_version', expected $pulumi_version"
copy_dynamic_provider
printf '%s\n' "$want_stamp" >"$stamp_file"

elapsed=$((SECONDS - start))
log "built pulumi $built_version and pulumi-language-nodejs in $((elapsed / 60))m$((elapsed % 60))s → $bin_dir"
printf '%s\n' "$bin_dir"
