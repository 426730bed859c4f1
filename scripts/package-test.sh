#!/usr/bin/env bash
# Checks the packages `make package` left in dist/, as CI runs it (`make package-test`):
#  1. the deb's control data and contents (dpkg-deb -I/-c), the bundled jars' licences
#     (packaging/check-licences.sh: each jar in packaging/licences.tsv with an allowed licence,
#     no stale line, each covered by the copyright file) and lintian (no error, no warning);
#  2. the rpm's files, licence, requirements and scriptlets (rpm -qp), installed into a scratch
#     root with --nodeps and erased again;
#  3. the systemd unit: `systemd-analyze verify` prints nothing, `security --offline` scores
#     at most 5.0, and no option gives it a private mount namespace (it would hide FUSE);
#  4. the deb installed with apt into a clean Debian 12 chroot (debootstrap; the base system
#     and the downloaded packages are cached in $GRANARY_CI_CACHE): the unit is enabled,
#     `granary version` runs and maps the class-data archive postinst made in
#     /var/cache/granary (not once the archive's JVM build differs; the trigger on
#     /usr/lib/jvm makes it again), /usr/sbin/granaryd started by hand serves a volume made
#     with `granary volume create` to nbdinfo and as a FUSE file, stops cleanly; a changed
#     conffile survives a reinstall and a remove; remove takes the archive away, and purge
#     leaves nothing behind.
# Any failed check ends the script with a non-zero status.
set -euo pipefail
cd "$(dirname "$0")/.."

cache=${GRANARY_CI_CACHE:-/var/cache/granary-ci}
mirror=${GRANARY_DEBIAN_MIRROR:-http://deb.debian.org/debian}
suite=bookworm

fail() {
  echo "package-test: FAIL: $*" >&2
  exit 1
}
step() { echo "== $*"; }
# contains LIST WORD...: each WORD is a line of LIST (fixed strings).
contains() {
  local list=$1 w
  shift
  for w in "$@"; do
    grep -qxF -- "$w" <<<"$list" || fail "missing: $w"
  done
}

shopt -s nullglob
debs=(dist/granary_*_all.deb)
rpms=(dist/granary-*.noarch.rpm)
((${#debs[@]} == 1)) || fail "expected one dist/granary_*_all.deb, found ${#debs[@]}: run make package"
((${#rpms[@]} == 1)) || fail "expected one dist/granary-*.noarch.rpm, found ${#rpms[@]}: run make package"
deb=$(readlink -f "${debs[0]}")
rpm=$(readlink -f "${rpms[0]}")
shopt -u nullglob

work=$(mktemp -d /tmp/granary-package-test.XXXXXX)
chroot_dir=$work/chroot
daemon_pid=
cleanup() {
  local m
  if [[ -n $daemon_pid ]] && kill -0 "$daemon_pid" 2>/dev/null; then
    kill -KILL "$daemon_pid" 2>/dev/null || true
  fi
  # Unmount whatever is still mounted under the chroot, deepest first, before deleting it.
  if [[ -d $chroot_dir ]]; then
    while read -r m; do
      umount -l "$m" 2>/dev/null || true
    done < <(awk -v root="$chroot_dir" 'index($2, root) == 1 {print $2}' /proc/self/mounts | sort -r)
  fi
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT

# The files both packages must install, with the unit's directory left as UNITDIR.
expected_files() {
  cat <<'EOF'
/usr/share/granary/granary-appliance.jar
/usr/share/granary/cli.classpath
/usr/bin/granary
/usr/sbin/granaryd
/etc/granary/granary.conf
/var/lib/granary
UNITDIR/granaryd.service
/usr/share/man/man1/granary.1.gz
/usr/share/man/man1/granary-volume-create.1.gz
/usr/share/man/man8/granaryd.8.gz
/usr/share/bash-completion/completions/granary
/usr/share/doc/granary/copyright
/usr/share/doc/granary/changelog.gz
EOF
}

# ---------------------------------------------------------------------------------------------
step "deb: $(basename "$deb")"
info=$(dpkg-deb -I "$deb")
echo "$info" | sed -n '/Package:/,$p'
version=$(dpkg-deb -f "$deb" Version)
[[ $(dpkg-deb -f "$deb" Package) == granary ]] || fail "Package is not granary"
[[ $(dpkg-deb -f "$deb" Architecture) == all ]] || fail "Architecture is not all"
depends=$(dpkg-deb -f "$deb" Depends)
for d in 'default-jre-headless (>= 2:1.17) | java17-runtime-headless' libfuse2 'fuse3 | fuse'; do
  [[ ", $depends, " == *", $d, "* ]] || fail "Depends lacks '$d': $depends"
done
for s in postinst prerm postrm conffiles triggers; do
  grep -qE "^ +[0-9]+ bytes, +[0-9]+ lines .* $s( |$)" <<<"$info" || fail "no $s in the control archive"
done
mkdir "$work/deb"
dpkg-deb -e "$deb" "$work/deb/DEBIAN"
[[ $(cat "$work/deb/DEBIAN/conffiles") == /etc/granary/granary.conf ]] || fail "conffiles: $(cat "$work/deb/DEBIAN/conffiles")"
grep -qx 'interest-noawait /usr/lib/jvm' "$work/deb/DEBIAN/triggers" || fail "no trigger on /usr/lib/jvm: $(cat "$work/deb/DEBIAN/triggers")"

listing=$(dpkg-deb -c "$deb")
paths=$(awk '{print $6}' <<<"$listing" | sed 's:^\./:/:; s:/$::')
contains "$paths" $(expected_files | sed 's:UNITDIR:/lib/systemd/system:')
jars=$(grep -c '^/usr/share/granary/lib/.*\.jar$' <<<"$paths" || true)
((jars >= 40)) || fail "only $jars jars under /usr/share/granary/lib"
grep -qE '^-rwxr-xr-x root/root .* \./usr/bin/granary$' <<<"$listing" || fail "/usr/bin/granary is not 0755 root"
grep -qE '^-rwxr-xr-x root/root .* \./usr/sbin/granaryd$' <<<"$listing" || fail "/usr/sbin/granaryd is not 0755 root"
grep -qE '^drwx------ root/root .* \./var/lib/granary/$' <<<"$listing" || fail "/var/lib/granary is not 0700 root"
echo "$(wc -l <<<"$paths") entries, $jars jars under /usr/share/granary/lib"

dpkg-deb -x "$deb" "$work/deb"
newest=$(zcat "$work/deb/usr/share/doc/granary/changelog.gz" | sed -n '1s/^granary (\([^)]*\)).*/\1/p')
[[ $newest == "$version" ]] || fail "the changelog's newest entry is $newest, the package $version: add an entry to packaging/src/doc/changelog"

step "licences"
# Granary's NOTICE beside the copyright file; no licence file of its own (Debian wants the
# licence in copyright only: lintian's extra-license-file).
cmp -s NOTICE "$work/deb/usr/share/doc/granary/NOTICE" || fail "the deb's /usr/share/doc/granary/NOTICE is not NOTICE"
if grep -iE '/(licen[cs]e|copying)[^/]*$' <<<"$paths"; then
  fail "the deb ships a licence file: the copyright file is the place"
fi
grep -qx 'License: Apache-2.0' "$work/deb/usr/share/doc/granary/copyright" || fail "the copyright file has no License: Apache-2.0"
# The jars' coordinates come from the build's dependency list (make package writes it).
[[ -s packaging/target/bundled-jars.txt ]] || fail "no packaging/target/bundled-jars.txt: run make package"
packaging/check-licences.sh "$work/deb/usr/share/granary/lib" packaging/target/bundled-jars.txt \
  "$work/deb/usr/share/doc/granary/copyright" || fail "the bundled jars' licences (packaging/licences.tsv)"

step "lintian"
lintian --fail-on error,warning --display-info "$deb" || fail "lintian"
echo "lintian: no error, no warning"

# ---------------------------------------------------------------------------------------------
step "rpm: $(basename "$rpm")"
rpm -qpi "$rpm" 2>/dev/null | grep -E '^(Name|Version|Release|Architecture|License|Summary) '
[[ $(rpm -qp --qf '%{LICENSE}' "$rpm" 2>/dev/null) == Apache-2.0 ]] || fail "the rpm's License is not Apache-2.0"
rpm_files=$(rpm -qpl "$rpm" 2>/dev/null)
contains "$rpm_files" $(expected_files | sed 's:UNITDIR:/usr/lib/systemd/system:') \
  /usr/share/licenses/granary/LICENSE /usr/share/licenses/granary/NOTICE
[[ $(grep '^/usr/share/granary/lib/.*\.jar$' <<<"$rpm_files" | sort) == "$(grep '^/usr/share/granary/lib/.*\.jar$' <<<"$paths" | sort)" ]] \
  || fail "the rpm and the deb carry different jars"
requires=$(rpm -qpR "$rpm" 2>/dev/null)
contains "$requires" '(java-headless >= 1:17 or java-17-headless or java-21-headless or java-25-headless)' \
  fuse-libs '(fuse3 or fuse)'
[[ $(rpm -qp --configfiles "$rpm" 2>/dev/null) == /etc/granary/granary.conf ]] || fail "the rpm's config files"
scripts=$(rpm -qp --scripts "$rpm" 2>/dev/null)
grep -q 'systemctl --no-reload enable granaryd.service' <<<"$scripts" || fail "the rpm's %post does not enable the unit"
grep -q 'GRANARY_CDS_DUMP=/var/cache/granary/granary-cli.jsa /usr/bin/granary' <<<"$scripts" \
  || fail "the rpm's %post does not make the CLI's class-data archive"
sed -n '/^postuninstall scriptlet/,$p' <<<"$scripts" | grep -q 'rm -rf /var/cache/granary' \
  || fail "the rpm's %postun does not remove /var/cache/granary"
echo "requires: $(grep -v '^rpmlib\|^/bin/sh\|^config(' <<<"$requires" | paste -sd ' ')"

# Debian's rpm warns at every change of a database that alien is the tool for this.
rpm_quiet() {
  rpm "$@" 2>&1 | { grep -v -e 'use Alien instead' -e 'assuming you know what you are doing' || true; }
  return "${PIPESTATUS[0]}"
}
rpm_root=$work/rpm-root
mkdir "$rpm_root"
rpm_quiet --root "$rpm_root" --initdb
rpm_quiet --root "$rpm_root" -i --nodeps --noscripts "$rpm" || fail "rpm -i into the scratch root"
rpm --root "$rpm_root" -q granary >/dev/null || fail "rpm did not install into the scratch root"
[[ -x $rpm_root/usr/bin/granary && -x $rpm_root/usr/sbin/granaryd ]] || fail "launchers not installed from the rpm"
[[ $(stat -c %a "$rpm_root/var/lib/granary") == 700 ]] || fail "the rpm's /var/lib/granary is not 0700"
cmp -s "$rpm_root/usr/lib/systemd/system/granaryd.service" "$work/deb/lib/systemd/system/granaryd.service" \
  || fail "the rpm's and the deb's units differ"
cmp -s "$rpm_root/usr/share/doc/granary/copyright" "$work/deb/usr/share/doc/granary/copyright" \
  || fail "the rpm's and the deb's copyright files differ"
cmp -s LICENSE "$rpm_root/usr/share/licenses/granary/LICENSE" && cmp -s NOTICE "$rpm_root/usr/share/licenses/granary/NOTICE" \
  || fail "the rpm's /usr/share/licenses/granary/{LICENSE,NOTICE} are not LICENSE and NOTICE"
verify=$(rpm --root "$rpm_root" -V --nodeps --noscripts granary 2>&1 || true)
[[ -z $verify ]] || fail "rpm -V: $verify"
rpm_quiet --root "$rpm_root" -e --noscripts granary || fail "rpm -e"
# The database is in /root/.rpmdb with Debian's rpm, /var/lib/rpm or /usr/lib/sysimage elsewhere.
left=$(cd "$rpm_root" && find . \( -path ./root/.rpmdb -o -path ./var/lib/rpm -o -path ./usr/lib/sysimage \) -prune \
  -o ! -type d -print -o -name '*granary*' -print)
[[ -z $left ]] || fail "erasing the rpm left: $left"
echo "rpm: installed into a scratch root (--nodeps --noscripts), verified, erased without a trace"

# ---------------------------------------------------------------------------------------------
step "systemd unit"
unit=$work/deb/lib/systemd/system/granaryd.service
forbidden='^(ProtectSystem|ProtectHome|PrivateTmp|PrivateDevices|PrivateMounts|PrivateNetwork|PrivateUsers|ProtectKernelTunables|ProtectKernelModules|ProtectKernelLogs|ProtectControlGroups|ProtectProc|ProcSubset|ReadOnlyPaths|ReadWritePaths|InaccessiblePaths|ExecPaths|NoExecPaths|TemporaryFileSystem|BindPaths|BindReadOnlyPaths|RootDirectory|RootImage|MountAPIVFS|MemoryDenyWriteExecute)='
if grep -E "$forbidden" "$unit"; then
  fail "the unit uses an option that makes a private mount namespace (or breaks the JIT)"
fi
for want in Type=notify SuccessExitStatus=143 Restart=on-failure 'ExecStart=/usr/sbin/granaryd --config /etc/granary/granary.conf'; do
  grep -qxF "$want" "$unit" || fail "the unit lacks $want"
done
grep -qE '^After=.*local-fs\.target' "$unit" || fail "the unit is not ordered after local-fs.target"
grep -qE '^LimitNOFILE=[0-9]{6,}$' "$unit" || fail "the unit's LimitNOFILE is not high"
# verify looks for ExecStart's program on this machine: point it at the unpacked package.
mkdir "$work/unit"
sed "s:^ExecStart=/usr/sbin/granaryd:ExecStart=$work/deb/usr/sbin/granaryd:" "$unit" >"$work/unit/granaryd.service"
# verify exits 0 on unknown keys and bad values too: only silence means a clean unit.
out=$(systemd-analyze verify --man=no "$work/unit/granaryd.service" 2>&1) || fail "systemd-analyze verify: $out"
[[ -z $out ]] || fail "systemd-analyze verify: $out"
security=$(systemd-analyze security --offline=true "$unit" 2>&1) || true
exposure=$(sed -n 's/.*Overall exposure level for granaryd.service: \([0-9.]*\).*/\1/p' <<<"$security")
[[ -n $exposure ]] || fail "systemd-analyze security gave no exposure: $security"
awk -v e="$exposure" 'BEGIN {exit !(e <= 5.0)}' || fail "exposure $exposure is above 5.0"
echo "verify: clean; security --offline: exposure $exposure (at most 5.0)"

# ---------------------------------------------------------------------------------------------
step "deb in a clean Debian 12 chroot"
mkdir -p "$cache/apt-archives"
base=$cache/debian-$suite-minbase.tar.gz
if [[ ! -s $base ]] || [[ -n $(find "$base" -mtime +30) ]]; then
  echo "making the base system with debootstrap (cached in $base)"
  mkdir "$work/base"
  debootstrap --variant=minbase "$suite" "$work/base" "$mirror" >"$work/debootstrap.log" 2>&1 \
    || { tail -20 "$work/debootstrap.log" >&2; fail "debootstrap $suite from $mirror"; }
  tar -C "$work/base" -czf "$base.tmp" . && mv "$base.tmp" "$base"
  rm -rf --one-file-system "$work/base"
fi
mkdir "$chroot_dir"
# The chroot's / must be a mount point: the JDK finds a path's file system (a pool's default
# capacity) in /proc/self/mounts, which shows only the mounts inside the chroot.
mount --bind "$chroot_dir" "$chroot_dir"
tar -C "$chroot_dir" -xzf "$base"
mount -t proc proc "$chroot_dir/proc"
# FUSE: the device only (the chroot's own /dev stays as debootstrap made it).
touch "$chroot_dir/dev/fuse"
mount --bind /dev/fuse "$chroot_dir/dev/fuse"
cp /etc/resolv.conf "$chroot_dir/etc/resolv.conf"
printf '#!/bin/sh\nexit 101\n' >"$chroot_dir/usr/sbin/policy-rc.d"
chmod 755 "$chroot_dir/usr/sbin/policy-rc.d"
cp "$deb" "$chroot_dir/tmp/granary.deb"
find "$cache/apt-archives" -name '*.deb' -exec cp -t "$chroot_dir/var/cache/apt/archives/" {} +

in_chroot() {
  chroot "$chroot_dir" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
    DEBIAN_FRONTEND=noninteractive "$@"
}
apt_get() { in_chroot apt-get -q -y -o Dpkg::Use-Pty=0 "$@"; }

apt_get update >"$work/apt.log" 2>&1 || { cat "$work/apt.log" >&2; fail "apt-get update in the chroot"; }
apt_get install --no-install-recommends /tmp/granary.deb >>"$work/apt.log" 2>&1 \
  || { cat "$work/apt.log" >&2; fail "apt-get install granary.deb in the chroot"; }
cp -u "$chroot_dir"/var/cache/apt/archives/*.deb "$cache/apt-archives/" 2>/dev/null || true
set_up=$(grep -oE '^Setting up [^ :]+' "$work/apt.log" | cut -d' ' -f3)
echo "apt set up $(wc -l <<<"$set_up") packages, among them" \
  $(grep -xE 'openjdk-[0-9]+-jre-headless|default-jre-headless|libfuse2|fuse3|fuse|granary' <<<"$set_up")

[[ $(in_chroot dpkg-query -W -f='${Status}' granary) == 'install ok installed' ]] || fail "granary is not installed"
[[ -L $chroot_dir/etc/systemd/system/multi-user.target.wants/granaryd.service ]] \
  || fail "postinst did not enable granaryd.service"
in_chroot dpkg-query -W -f='${Conffiles}\n' granary | grep -q '^ /etc/granary/granary.conf ' \
  || fail "/etc/granary/granary.conf is not a conffile"
files=$(in_chroot dpkg -L granary)

out=$(in_chroot granary version) || fail "granary version: $out"
[[ $out == "granary "* && $out != "granary dev" ]] || fail "granary version printed: $out"
echo "granary version: $out"
# Without --data or GRANARY_DATA, the installed CLI looks in /var/lib/granary.
out=$(in_chroot granary volume list 2>&1) && fail "volume list without a daemon succeeded: $out"
grep -q '/var/lib/granary/admin.sock' <<<"$out" || fail "the installed CLI does not default to /var/lib/granary: $out"

step "the CLI's class-data archive"
archive=/var/cache/granary/granary-cli.jsa
[[ -s $chroot_dir$archive && -s $chroot_dir$archive.jvm ]] || fail "postinst did not make $archive"
# The java command the launcher runs for `granary version`: with the archive, and -Xshare:on
# (which fails on an archive this JVM refuses) and class loading logged, the CLI's own classes
# come from it.
launched() { in_chroot bash -x /usr/bin/granary version 2>&1 >/dev/null | sed -n 's/^+ exec //p'; }
cmd=$(launched)
[[ $cmd == *"-XX:SharedArchiveFile=$archive -Xshare:auto"* ]] || fail "granary version runs without the archive: $cmd"
cmd=${cmd/-Xshare:auto/-Xshare:on}
# shellcheck disable=SC2086 # the launcher's words, none with a space
loaded=$(in_chroot ${cmd/-Xlog:cds=off/-Xlog:class+load}) || fail "the JVM refuses $archive: $loaded"
grep -q '^\[.*io\.granary\.appliance\.cli\.Granary source: shared objects file$' <<<"$loaded" \
  || fail "granary version does not take its classes from $archive"
echo "granary version maps $archive ($(du -m "$chroot_dir$archive" | cut -f1) MiB, $(grep -c 'source: shared objects file' <<<"$loaded") classes)"
# Made by another JVM build (a Java update) the archive would be refused: the launcher runs
# without it, and the trigger on /usr/lib/jvm that a JVM package sets off makes it again.
sed -i 's/^JAVA_RUNTIME_VERSION=.*/JAVA_RUNTIME_VERSION="0-another-build"/' "$chroot_dir$archive.jvm"
[[ $(launched) != *SharedArchiveFile* ]] || fail "the launcher maps an archive made by another JVM build"
[[ $(in_chroot granary version) == "granary "* ]] || fail "granary version without the archive"
in_chroot dpkg-trigger --no-await /usr/lib/jvm && in_chroot dpkg --triggers-only --pending >"$work/trigger.log" 2>&1 \
  || { cat "$work/trigger.log" >&2; fail "processing the trigger on /usr/lib/jvm"; }
[[ $(launched) == *SharedArchiveFile* ]] || fail "the trigger on /usr/lib/jvm did not make the archive again"
echo "another JVM build: granary runs without the archive, and the trigger on /usr/lib/jvm makes it again"

step "granaryd started by hand in the chroot"
cat >"$chroot_dir/tmp/granary-test.conf" <<'EOF'
# No TCP listener (the port may be in use here); NBD on a Unix socket in the data directory.
[nbd]
listen = "none"
socket = "nbd.sock"
EOF
chroot "$chroot_dir" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
  /usr/sbin/granaryd --config /tmp/granary-test.conf --data /tmp/gdata >"$work/granaryd.log" 2>&1 &
daemon_pid=$!
for _ in $(seq 600); do
  grep -q ' ready: ' "$work/granaryd.log" && break
  kill -0 "$daemon_pid" 2>/dev/null || { cat "$work/granaryd.log" >&2; fail "granaryd exited"; }
  sleep 0.1
done
grep -q ' ready: ' "$work/granaryd.log" || { cat "$work/granaryd.log" >&2; fail "granaryd did not start within 60 s"; }
in_chroot granary volume create default/vm1 --size 64M --data /tmp/gdata \
  || { cat "$work/granaryd.log" >&2; fail "granary volume create"; }
in_chroot env GRANARY_DATA=/tmp/gdata granary volume list | grep -q 'vm1' || fail "volume list through GRANARY_DATA"
nbd=$(nbdinfo "nbd+unix:///default/vm1?socket=$chroot_dir/tmp/gdata/nbd.sock") || fail "nbdinfo"
grep -qE '^\s*export-size: 67108864' <<<"$nbd" || fail "nbdinfo: $nbd"
echo "nbdinfo: default/vm1 is 64 MiB over NBD"
fuse_file=$chroot_dir/tmp/gdata/mnt/default/vm1
if ! grep -q 'FUSE: volumes as files at' "$work/granaryd.log" || [[ $(stat -c %s "$fuse_file" 2>/dev/null) != 67108864 ]]; then
  cat "$work/granaryd.log" >&2
  fail "the volume is not a 64 MiB file in the FUSE mount (libfuse2 and fusermount from the dependencies)"
fi
echo "FUSE: /tmp/gdata/mnt/default/vm1 is a 64 MiB file"
kill -TERM "$daemon_pid"
rc=0
wait "$daemon_pid" || rc=$?
daemon_pid=
[[ $rc == 143 ]] || { cat "$work/granaryd.log" >&2; fail "granaryd exited $rc on SIGTERM, not 143"; }
grep -q 'stopped cleanly' "$work/granaryd.log" || { cat "$work/granaryd.log" >&2; fail "granaryd did not stop cleanly"; }
! grep -q "$chroot_dir/tmp/gdata/mnt" /proc/self/mounts || fail "the FUSE mount outlived granaryd"
echo "SIGTERM: stopped cleanly (exit 143), FUSE unmounted"
rm -rf "$chroot_dir/tmp/gdata" "$chroot_dir/tmp/granary-test.conf"

step "conffile, remove, purge"
echo '# changed by the administrator' >>"$chroot_dir/etc/granary/granary.conf"
apt_get install --reinstall /tmp/granary.deb >"$work/apt.log" 2>&1 || { cat "$work/apt.log" >&2; fail "reinstall"; }
tail -1 "$chroot_dir/etc/granary/granary.conf" | grep -q 'changed by the administrator' \
  || fail "a reinstall replaced the changed conffile"
apt_get remove granary >"$work/apt.log" 2>&1 || { cat "$work/apt.log" >&2; fail "apt-get remove"; }
[[ ! -e $chroot_dir/usr/sbin/granaryd && ! -e $chroot_dir/usr/share/granary ]] || fail "remove left the program"
[[ ! -e $chroot_dir/var/cache/granary ]] || fail "remove left /var/cache/granary"
tail -1 "$chroot_dir/etc/granary/granary.conf" | grep -q 'changed by the administrator' \
  || fail "remove did not keep the changed conffile"
# Purge must ask nothing: no terminal, no answers on its input.
timeout 300 chroot "$chroot_dir" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
  apt-get -q -y -o Dpkg::Use-Pty=0 purge granary </dev/null >"$work/apt.log" 2>&1 \
  || { cat "$work/apt.log" >&2; fail "apt-get purge"; }
[[ -z $(in_chroot dpkg-query -W -f='${Status}' granary 2>/dev/null) ]] || fail "granary is still known to dpkg"
while read -r f; do
  [[ -d $chroot_dir$f && $f != *granary* ]] && continue # directories others share (/usr, /lib...)
  [[ ! -e $chroot_dir$f && ! -L $chroot_dir$f ]] || fail "purge left $f"
done <<<"$files"
rm -f "$chroot_dir/tmp/granary.deb"
left=$(in_chroot find / -xdev \( -path /proc -o -path /var/cache/apt \) -prune -o -name '*granary*' -print)
[[ -z $left ]] || fail "purge left: $left"
[[ ! -e $chroot_dir/var/cache/granary ]] || fail "purge left /var/cache/granary"
echo "purge: nothing named granary is left, nor any file the package installed or made"

step "all package checks passed ($(basename "$deb"), $(basename "$rpm"), exposure $exposure)"
