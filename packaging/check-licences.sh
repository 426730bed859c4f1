#!/usr/bin/env bash
# Checks the jars the packages bundle against packaging/licences.tsv and the copyright file:
#  - every jar in LIB_DIR has a line (by groupId:artifactId, which DEPENDENCY_LIST, the output
#    of `mvn dependency:list`, gives for its file name), and every line has a jar: no stale line;
#  - every line's licence (an SPDX expression) holds with the licences allowed below, and its
#    verdict is the one the expression earns (own, permissive or weak-copyleft);
#  - every jar but Granary's own is matched by a Files: glob of the DEP-5 COPYRIGHT file other
#    than "*", and every Files: glob under usr/share/granary/lib/ matches a jar.
# The packaging module's "packages" profile runs it on appliance/target/lib (`make package`);
# scripts/package-test.sh runs it again on the lib/ of the deb it checks.
# Usage: packaging/check-licences.sh LIB_DIR DEPENDENCY_LIST COPYRIGHT
set -euo pipefail

lib=$1 deplist=$2 copyright=$3
tsv=$(cd "$(dirname "$0")" && pwd)/licences.tsv

# SPDX identifiers Granary (Apache-2.0) may ship in a jar it does not modify.
permissive=(Apache-2.0 MIT MIT-0 BSD-2-Clause BSD-3-Clause ISC 0BSD BSL-1.0 Zlib CC0-1.0 OLDAP-2.8)
# Weak copyleft: fine for an unmodified jar that is only loaded, as long as its source stays
# available (the line's note says where). GPL-only, AGPL, SSPL and the like are on neither list.
weak_copyleft=(EPL-1.0 EPL-2.0 MPL-2.0 CDDL-1.0 CDDL-1.1
  LGPL-2.1-only LGPL-2.1-or-later LGPL-3.0-only LGPL-3.0-or-later)

problems=()
problem() { problems+=("$*"); }

# holds EXPR ID...: whether the SPDX expression is satisfied by the IDs alone. Read: a single
# OR-list, or an AND of terms each an identifier or a parenthesised OR-list (status 2 otherwise).
holds() {
  local expr=$1 term alt ok nterms
  shift
  local ids=" $* "
  [[ $expr =~ ^[A-Za-z0-9.+()\ -]+$ && $expr != *" WITH "* ]] || return 2
  nterms=$(sed 's/ AND /\n/g' <<<"$expr" | wc -l)
  while read -r term; do
    if [[ $term =~ ^\(([^()]+)\)$ ]]; then
      term=${BASH_REMATCH[1]}
    elif [[ $term == *[\(\)]* ]] || { ((nterms > 1)) && [[ $term == *" OR "* ]]; }; then
      return 2
    fi
    [[ $term != *" AND "* ]] || return 2
    ok=
    for alt in ${term// OR / }; do
      [[ $ids == *" $alt "* ]] && ok=1
    done
    [[ -n $ok ]] || return 1
  done < <(sed 's/ AND /\n/g' <<<"$expr")
}

# The licences.tsv lines: artifact, licence, verdict (note ignored).
declare -A licence verdict
while IFS=$'\t' read -r artifact lic verd _; do
  [[ -z $artifact || $artifact == \#* ]] && continue
  if [[ ! $artifact =~ ^[^:[:space:]]+:[^:[:space:]]+$ || -z $lic || -z $verd ]]; then
    problem "licences.tsv: malformed line for '$artifact' (want groupId:artifactId, licence, verdict, note; tab-separated)"
    continue
  fi
  [[ -z ${licence[$artifact]+set} ]] || problem "licences.tsv: $artifact listed twice"
  licence[$artifact]=$lic
  verdict[$artifact]=$verd
done <"$tsv"

# File name -> groupId:artifactId, from lines like
# "   com.github.jnr:jffi:jar:native:1.4.3:runtime -- module ...".
declare -A coords
while read -r c _; do
  IFS=: read -r -a f <<<"$c"
  case ${#f[@]} in
    5) coords["${f[1]}-${f[3]}.jar"]=${f[0]}:${f[1]} ;;
    6) coords["${f[1]}-${f[4]}-${f[3]}.jar"]=${f[0]}:${f[1]} ;;
  esac
done < <(grep -E '^ +[^ :]+:[^ :]+:' "$deplist")

# The copyright file's Files: globs, one a line (continuation lines included).
globs=$(awk '/^[^ \t]/ {f = 0} /^Files:/ {sub(/^Files:[ \t]*/, ""); f = 1}
  f {n = split($0, g, /[ \t]+/); for (i = 1; i <= n; i++) if (g[i] != "") print g[i]}' "$copyright")

shopt -s nullglob
jars=("$lib"/*.jar)
shopt -u nullglob
((${#jars[@]} > 0)) || problem "no jar in $lib"
declare -A bundled count
for jar in "${jars[@]}"; do
  name=$(basename "$jar")
  artifact=${coords[$name]:-}
  if [[ -z $artifact ]]; then
    problem "$name: not in the dependency list $deplist, so its groupId:artifactId is unknown"
    continue
  fi
  bundled[$artifact]=1
  if [[ -z ${licence[$artifact]+set} ]]; then
    problem "$name: $artifact has no line in packaging/licences.tsv (add its licence and verdict)"
    continue
  fi
  if [[ ${verdict[$artifact]} != own ]]; then
    covered=
    while read -r g; do
      [[ $g != '*' && usr/share/granary/lib/$name == $g ]] && covered=1 && break
    done <<<"$globs"
    [[ -n $covered ]] || problem "$name: no Files: glob of the copyright file but '*' covers usr/share/granary/lib/$name"
  fi
done

for artifact in "${!licence[@]}"; do
  [[ -n ${bundled[$artifact]:-} ]] || problem "licences.tsv: $artifact is listed but no jar of it is bundled (remove the stale line)"
done

while read -r g; do
  [[ $g == usr/share/granary/lib/* ]] || continue
  hit=
  for jar in "${jars[@]}"; do
    [[ usr/share/granary/lib/$(basename "$jar") == $g ]] && hit=1 && break
  done
  [[ -n $hit ]] || problem "copyright: Files: $g matches no bundled jar (remove or fix the stale glob)"
done <<<"$globs"

for artifact in "${!bundled[@]}"; do
  [[ -n ${licence[$artifact]+set} ]] || continue
  lic=${licence[$artifact]}
  rc=0
  holds "$lic" "${permissive[@]}" || rc=$?
  if ((rc == 2)); then
    problem "licences.tsv: $artifact: cannot read the licence expression '$lic'"
    continue
  elif ((rc == 0)); then
    earned=permissive
    [[ $artifact == io.granary:* && $lic == Apache-2.0 ]] && earned=own
  elif holds "$lic" "${permissive[@]}" "${weak_copyleft[@]}"; then
    earned=weak-copyleft
  else
    problem "licences.tsv: $artifact: '$lic' is not compatible with shipping it in Apache-2.0 Granary"
    continue
  fi
  [[ ${verdict[$artifact]} == "$earned" ]] \
    || problem "licences.tsv: $artifact: verdict '${verdict[$artifact]}', but '$lic' makes it $earned"
  count[$earned]=$((${count[$earned]:-0} + 1))
done

if ((${#problems[@]} > 0)); then
  printf 'check-licences: %s\n' "${problems[@]}" >&2
  echo "check-licences: FAIL: ${#problems[@]} problem(s) with the bundled jars' licences" >&2
  exit 1
fi
echo "check-licences: ${#jars[@]} jars of ${#bundled[@]} artifacts, each in packaging/licences.tsv" \
  "(${count[permissive]:-0} permissive, ${count[weak-copyleft]:-0} weak-copyleft, ${count[own]:-0} own)" \
  "and in the copyright file"
