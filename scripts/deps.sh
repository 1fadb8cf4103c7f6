#!/bin/sh
# Installs the Debian 12 packages lineage builds and runs with, if missing.
# Usage: deps.sh [fuzz | --tests]
set -eu
PKGS="g++ cmake ninja-build pkg-config libsqlitecpp-dev libsqlite3-dev libboost-graph-dev
libgit2-dev nlohmann-json3-dev libyaml-cpp-dev libcli11-dev catch2 graphviz
libcurl4-openssl-dev libcpp-httplib-dev libsimdjson-dev libxxhash-dev"
# `deps.sh fuzz`: what scripts/fuzz.sh needs instead (clang with libFuzzer).
[ "${1:-}" = fuzz ] && PKGS="clang libclang-rt-14-dev"
# `deps.sh --tests` (scripts/test.sh): also what only the tests need; the report
# test renders index.html in headless Chromium; the CycloneDX tests validate
# with python3-jsonschema.
[ "${1:-}" = --tests ] && PKGS="$PKGS chromium python3-jsonschema"
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "installing:$missing" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
