#!/usr/bin/env bash
# Builds FerretDB (a MongoDB-wire-protocol server, Apache-2.0) from the Go module proxy and caches
# the binary, so the Mongo-backed tests have a server to start on a fresh machine.
#
# Why not plain `go install …/cmd/ferretdb@v1.24.2`: FerretDB embeds build/version/version.txt,
# which its release process generates from git; the module proxy ships without it, so such a
# binary panics at start ("Invalid build/version/version.txt file content"). We copy the module
# source, write the version file, and build that copy.
#
# Prints the binary's path on the last line of stdout. Reuses a cached binary that answers
# `--version`. Override the cache with FERRETDB_BIN=/path/to/ferretdb.
set -euo pipefail

version="v1.24.2"
bin="${FERRETDB_BIN:-${XDG_CACHE_HOME:-$HOME/.cache}/salvioris/ferretdb-$version}"

if [ -x "$bin" ] && "$bin" --version >/dev/null 2>&1; then
  echo "$bin"
  exit 0
fi

go_cmd="$(command -v go || true)"
if [ -z "$go_cmd" ] && [ -x /usr/local/go/bin/go ]; then go_cmd=/usr/local/go/bin/go; fi
if [ -z "$go_cmd" ]; then
  echo "install_ferretdb: no Go toolchain (go on PATH or /usr/local/go/bin/go)" >&2
  exit 1
fi

module="github.com/FerretDB/FerretDB"
work="$(mktemp -d "${TMPDIR:-/tmp}/ferretdb_build.XXXXXX")"
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT

# `go mod download` fetches the module (and nothing else) into the module cache through the proxy.
echo "install_ferretdb: fetching $module@$version" >&2
src="$(cd "$work" && GOFLAGS=-mod=mod "$go_cmd" mod download -json "$module@$version" |
  sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')"
if [ -z "$src" ] || [ ! -d "$src" ]; then
  echo "install_ferretdb: go mod download gave no source directory" >&2
  exit 1
fi

# The module cache is read-only; build a writable copy with the version file in place.
cp -R "$src" "$work/src"
chmod -R u+w "$work/src"
echo "$version" >"$work/src/build/version/version.txt"
echo "module-proxy" >"$work/src/build/version/package.txt"

echo "install_ferretdb: building (takes a few minutes)" >&2
mkdir -p "$(dirname "$bin")"
(cd "$work/src" && CGO_ENABLED=0 "$go_cmd" build -trimpath -o "$work/ferretdb" ./cmd/ferretdb)
"$work/ferretdb" --version >&2
mv "$work/ferretdb" "$bin"
echo "$bin"
