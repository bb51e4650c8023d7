#!/bin/bash
# help-matches-man.sh BIN - every long option in --help is documented in
# postlint(1), and every option postlint(1) documents is in --help.
set -u
bin=$1
man=$(dirname "$0")/../man/postlint.1
help=$("$bin" --help | grep -oE -- '--[a-z][a-z-]*' | sort -u)
# mdoc writes --name as "Fl \-name" with "\-" for each later hyphen
documented=$(sed -n 's/^\.It Fl .*Fl \\-\([a-z\\-]*\).*/\1/p; s/^\.It Fl \\-\([a-z\\-]*\).*/\1/p' "$man" |
	sed 's/\\-/-/g; s/^/--/' | sort -u)
status=0
for o in $help; do
	grep -qx -- "$o" <<<"$documented" || { echo "--help has $o, postlint(1) does not"; status=1; }
done
for o in $documented; do
	grep -qx -- "$o" <<<"$help" || { echo "postlint(1) has $o, --help does not"; status=1; }
done
[ -n "$help" ] && [ -n "$documented" ] || { echo "found no options"; status=1; }
exit $status
