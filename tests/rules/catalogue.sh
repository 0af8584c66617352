#!/usr/bin/env bash
# The rule catalogue stays complete: every rule id the lint code and the
# detector report is in src/report/rule_catalog.cc, and the manual page
# man/safebuild-rules.7 has exactly the catalogue's entries, with the same
# severity.
#
#   catalogue.sh SOURCE_DIR
set -euo pipefail
src=$1
pass=0 fail=0
check() {  # NAME EXPECTED ACTUAL
  if [ "$2" = "$3" ]; then
    echo "ok: $1"; pass=$((pass + 1))
  else
    echo "FAIL: $1"; diff <(echo "$2") <(echo "$3") || true; fail=$((fail + 1))
  fi
}
# Rule ids where the lint code reports: Add("id", AddSecret("id",
# Credential("id", and `rule = "id"`, also when the id is on the next line.
used=$(perl -0777 -ne \
  'while (/(?:\b(?:Add|AddSecret|Credential)\(\s*|\brule = )"([a-z0-9-]+)"/g) { print "$1\n" }' \
  "$src"/src/containerfile/*.cc | sort -u)
catalogue=$(perl -0777 -ne \
  'while (/\{"([a-z0-9-]+)", S::k(\w+),/g) { print "$1 ", lc $2, "\n" }' \
  "$src/src/report/rule_catalog.cc")
lint=$(perl -0777 -ne '/kRules\[\] = \{(.*?)\n\};/s and $_ = $1;
  while (/\{"([a-z0-9-]+)", S::k(\w+),/g) { print "$1\n" }' "$src/src/report/rule_catalog.cc")
ids=$(cut -d' ' -f1 <<<"$catalogue" | sort -u)
missing=$(comm -23 <(echo "$used") <(echo "$ids"))
check "every reported rule is in the catalogue" "" "$missing"
check "the catalogue has 23 lint rules" 23 "$(wc -l <<<"$lint")"
# Detector rule ids: Token("id", Glued("id", Keyed("id", and {"id", kCritical/kHigh in
# the pattern tables.
detected=$(perl -0777 -ne \
  'while (/\b(?:Token|Glued|Keyed)\(\s*"([a-z0-9-]+)",|\{"([a-z0-9-]+)",\s*k(?:Critical|High)/g) {
     print(($1 // $2), "\n") }' \
  "$src"/src/detect/token_rules.cc "$src"/src/detect/rules.cc | sort -u)
missing=$(comm -23 <(echo "$detected") <(echo "$ids"))
check "every detector rule is in the catalogue" "" "$missing"
check "the detector has at least 100 token formats" 1 \
  "$(($(grep -cE '^    (Token|Glued|Keyed)\("' "$src/src/detect/token_rules.cc") >= 100))"
page=$(sed -n 's/^\.It Li \([a-z0-9-]*\) Pq \([a-z]*\)$/\1 \2/p' "$src/man/safebuild-rules.7")
check "safebuild-rules.7 lists the catalogue with its severities" "$catalogue" "$page"
echo "$pass passed, $fail failed"
test "$fail" = 0
