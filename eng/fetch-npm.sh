#!/usr/bin/env bash
# Fetches one pinned npm package's files into a cache folder, once: `npm pack` and `tar`, so no install
# script of the package ever runs. The build calls this for the native libraries of llama.cpp
# and the UI's Bootstrap. Usage: fetch-npm.sh PACKAGE@VERSION DEST_DIR
set -euo pipefail
spec=$1
dest=$2
[ -f "$dest/.complete" ] && exit 0
command -v npm >/dev/null || { echo "fetch-npm: npm is needed to fetch $spec (apt-get install -y npm)" >&2; exit 1; }
parent=$(dirname "$dest")
mkdir -p "$parent"
work=$(mktemp -d "$parent/.fetch.XXXXXX")
trap 'rm -rf "$work"' EXIT
( cd "$work" && npm pack --silent "$spec" >/dev/null )
tarball=$(ls "$work"/*.tgz)
mkdir "$work/x"
tar -xzf "$tarball" -C "$work/x"
touch "$work/x/package/.complete"
# Another build may have raced us here; the first one in wins and both see a complete folder.
rm -rf "$dest.old"
[ -e "$dest" ] && mv "$dest" "$dest.old"
mv "$work/x/package" "$dest" || true
rm -rf "$dest.old"
