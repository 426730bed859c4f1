#!/usr/bin/env bash
# Checks (and on Debian/Ubuntu installs) what Granary needs.
# Usage: scripts/deps.sh [build|test|run|bench|package|package-test|fuzz]
# Each purpose lists commands and the Debian package that provides them.
set -euo pipefail

purpose=${1:-test}
declare -A pkg_of=(
  [java]=openjdk-17-jdk-headless [javac]=openjdk-17-jdk-headless [mvn]=maven
  [du]=coreutils [sha256sum]=coreutils [mount]=mount
  [lz4]=lz4 [zstd]=zstd [curl]=curl [jq]=jq [setpriv]=util-linux [asciidoctor]=asciidoctor
  [qemu-img]=qemu-utils [qemu-io]=qemu-utils [qemu-nbd]=qemu-utils
  [nbdinfo]=libnbd-bin [nbdcopy]=libnbd-bin [fio]=fio [nbdkit]=nbdkit [openssl]=openssl
  [rsync]=rsync [keytool]=openjdk-17-jdk-headless
  [fusermount]=fuse3 [libfuse.so.2]=libfuse2 [mkfs.ext4]=e2fsprogs [e2fsck]=e2fsprogs
  # Debian ships promtool only with the Prometheus server, which a systemd host then starts.
  [promtool]=prometheus
  [rpmbuild]=rpm [rpm]=rpm [dpkg-deb]=dpkg [lintian]=lintian [debootstrap]=debootstrap
  [systemd-analyze]=systemd
)
case "$purpose" in
  build) need=(java javac mvn) ;;
  run) need=(java javac mvn) ;;
  test) need=(java javac mvn du mount curl setpriv qemu-img qemu-io nbdinfo nbdcopy fio openssl
              fusermount libfuse.so.2 mkfs.ext4 e2fsck promtool) ;;
  bench) need=(java javac mvn du sha256sum lz4 zstd curl jq qemu-nbd qemu-img nbdkit nbdinfo nbdcopy
               fio mkfs.ext4 rsync keytool) ;;
  package) need=(java javac mvn asciidoctor rpmbuild) ;;
  package-test) need=(dpkg-deb rpm lintian debootstrap systemd-analyze nbdinfo) ;;
  # Jazzer comes from Maven with its native driver; openssl makes PipelineFuzzTest's certificate.
  fuzz) need=(java javac mvn openssl) ;;
  *) echo "usage: $0 [build|test|run|bench|package|package-test|fuzz]" >&2; exit 2 ;;
esac

missing_pkgs=()
# A name with ".so" is a shared library (jnr-fuse loads libfuse 2), the rest are commands.
have() {
  if [[ $1 == *.so* ]]; then
    ldconfig -p 2>/dev/null | grep -q "$1" || compgen -G "/usr/lib/*/$1" >/dev/null
  else
    command -v "$1" >/dev/null 2>&1
  fi
}
for cmd in "${need[@]}"; do
  have "$cmd" || missing_pkgs+=("${pkg_of[$cmd]}")
done

java_ok() {
  local v
  v=$(java -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')
  [[ -n $v && ${v%%.*} -ge 17 ]]
}
if command -v java >/dev/null 2>&1 && ! java_ok; then
  missing_pkgs+=(openjdk-17-jdk-headless)
  echo "deps: the default java is older than 17; Granary needs Java 17 or newer" >&2
fi

if ((${#missing_pkgs[@]} == 0)); then
  exit 0
fi
mapfile -t missing_pkgs < <(printf '%s\n' "${missing_pkgs[@]}" | sort -u)
echo "deps: missing for '$purpose': ${missing_pkgs[*]}" >&2

if ! command -v apt-get >/dev/null 2>&1; then
  echo "deps: this is not a Debian-like system (no apt-get); install these packages by hand: ${missing_pkgs[*]}" >&2
  exit 1
fi
if [[ $(id -u) -eq 0 ]]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo=(sudo -n)
else
  echo "deps: run as root, or install them with: sudo apt-get install ${missing_pkgs[*]}" >&2
  exit 1
fi
echo "deps: installing ${missing_pkgs[*]} with apt-get" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing_pkgs[@]}" >/dev/null
