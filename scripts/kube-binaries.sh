#!/usr/bin/env bash
# Provides kube-apiserver, kube-controller-manager, etcd and kubectl for the tests, offline.
#
# kube-api-test (the Java "envtest") runs the binaries from
#   ~/.kubeapitest/k8s/<version>-linux-amd64/
# On a machine with internet it downloads them itself. Here there is no internet, but Debian
# bookworm ships the whole Kubernetes 1.20.2 source (vendored) as source package `kubernetes`,
# so we build it once and cache the result. Idempotent: a complete cache returns at once.
#
# Usage: scripts/kube-binaries.sh            (build/cache if missing, print the directory)
# Env:   KUBE_API_TEST_DIR (default ~/.kubeapitest), RUNWARDEN_K8S_VERSION (default 1.20.2)
set -euo pipefail

version="${RUNWARDEN_K8S_VERSION:-1.20.2}"
root="${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}"
dest="$root/k8s/${version}-linux-amd64"
need=(kube-apiserver kube-controller-manager etcd kubectl)

complete() {
  local b
  for b in "${need[@]}"; do [ -x "$dest/$b" ] || return 1; done
}

if complete; then
  echo "$dest"
  exit 0
fi

log() { echo "kube-binaries: $*" >&2; }

if ! command -v apt-get >/dev/null 2>&1; then
  # Not Debian: nothing to build from. kube-api-test downloads its own binaries when online.
  log "no apt-get here: leaving the binaries to kube-api-test's download"
  exit 0
fi
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if [ "$version" != "1.20.2" ]; then
  log "only 1.20.2 can be built from Debian's source; for $version let kube-api-test download it"
  exit 1
fi

# 1. Toolchain and source from Debian (deb-src next to the machine's existing deb entry).
src_list=/etc/apt/sources.list.d/runwarden-deb-src.sources
if [ ! -f "$src_list" ]; then
  log "adding a deb-src entry for bookworm"
  uris=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  uris="${uris:-http://deb.debian.org/debian}"
  as_root tee "$src_list" >/dev/null <<SRC
Types: deb-src
URIs: $uris
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi
log "installing build dependencies (golang-go, etcd-server, reflect2 1.0.2)"
as_root apt-get update -qq >&2
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
  golang-go rsync etcd-server golang-github-modern-go-reflect2-dev dpkg-dev >&2

work="$root/build"
mkdir -p "$work"
cd "$work"
if ! ls kubernetes_*.dsc >/dev/null 2>&1; then
  log "downloading the kubernetes source package"
  apt-get source --download-only kubernetes >&2
fi
tree="$work/kubernetes-src"
if [ ! -f "$tree/.runwarden-prepared" ]; then
  rm -rf "$tree"
  # dpkg-source unpacks the .orig tarball and applies debian/patches/series.
  dpkg-source --no-check -x kubernetes_*.dsc "$tree" >&2
  # 2. Required fix: vendored reflect2 1.0.1 makes the apiserver SIGSEGV (mapiterinit) with
  # Go >= 1.18 the first time a custom resource is created. Use Debian's 1.0.2 instead.
  r2=$(dpkg -L golang-github-modern-go-reflect2-dev | grep -m1 '/github.com/modern-go/reflect2$')
  rm -rf "$tree/vendor/github.com/modern-go/reflect2"
  cp -r "$r2" "$tree/vendor/github.com/modern-go/reflect2"
  touch "$tree/.runwarden-prepared"
fi

# 3. Build like Debian does (GOPATH layout, static binaries).
mkdir -p "$work/.go/src/k8s.io"
ln -sfn "$tree" "$work/.go/src/k8s.io/kubernetes"
cd "$work/.go/src/k8s.io/kubernetes"
log "building kube-apiserver and kube-controller-manager (about 6 minutes on 2 cores)"
GOPATH="$work/.go" GO111MODULE=off CGO_ENABLED=0 KUBE_GIT_VERSION=v1.20.2 KUBE_GIT_TREE_STATE=clean \
  make WHAT="cmd/kube-apiserver cmd/kube-controller-manager" >&2

# 4./5. Cache: the built binaries, Debian's etcd, the machine's kubectl.
mkdir -p "$dest"
out="$tree/_output/bin"
[ -x "$out/kube-apiserver" ] || out="$tree/_output/local/bin/linux/amd64"
install -m 0755 "$out/kube-apiserver" "$dest/kube-apiserver"
install -m 0755 "$out/kube-controller-manager" "$dest/kube-controller-manager"
install -m 0755 "$(command -v etcd || echo /usr/bin/etcd)" "$dest/etcd"
install -m 0755 "$(command -v kubectl)" "$dest/kubectl"
complete
# The ~1 GB build tree is not needed any more.
rm -rf "$work"
log "cached in $dest"
echo "$dest"
