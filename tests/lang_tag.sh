# lang_tag.sh - sourced by the test scripts.
# lang_tag N: the Nth of 676 language tags that no dictionary has
# (qaa-qzz, which ISO 639 keeps for local use)
lang_tag() {
	local a=abcdefghijklmnopqrstuvwxyz
	printf 'q%s%s' "${a:$(($1 / 26 % 26)):1}" "${a:$(($1 % 26)):1}"
}
