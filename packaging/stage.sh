#!/usr/bin/env bash
# The files of the deb and rpm that are made rather than copied: man pages in roff, from the
# AsciiDoc picocli writes at build time, and the changelog, both compressed as Debian wants,
# and the bash completion script without its #! line.
# The packaging module's "packages" profile runs it before jdeb and rpm-maven-plugin.
# Usage: packaging/stage.sh APPLIANCE_TARGET VERSION OUT_DIR
set -euo pipefail

target=$1 version=$2 out=$3
here=$(cd "$(dirname "$0")" && pwd)

shopt -s nullglob
adocs=("$target"/man/*.adoc)
if ((${#adocs[@]} == 0)); then
  echo "stage: no man page sources in $target/man; build the appliance first" >&2
  exit 1
fi
rm -rf "$out"
mkdir -p "$out/man" "$out/doc"

# The daemon's page goes to section 8 (system administration), as /usr/sbin wants.
mkdir -p "$out/adoc"
cp "${adocs[@]}" "$out/adoc/"
sed -i 's/^= granaryd(1)$/= granaryd(8)/' "$out/adoc/granaryd.adoc"
# The pages are generated from classes, not the jar, so they do not know the version.
asciidoctor -b manpage -a mansource="Granary $version" -a manmanual="Granary Manual" \
  -D "$out/man" "$out"/adoc/*.adoc
gzip -9n "$out"/man/*.[18]
rm -r "$out/adoc"

# A completion script is sourced, never run: no #! line.
sed '1{/^#!/d}' "$target/granary_completion" >"$out/granary.bash-completion"

# scripts/package-test.sh checks that its newest entry is the package's version.
gzip -9n <"$here/src/doc/changelog" >"$out/doc/changelog.gz"
echo "stage: $(ls "$out/man" | wc -l) man pages, the completion and the changelog in $out"
