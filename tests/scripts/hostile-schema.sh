#!/bin/bash
# Hostile schema files: each case makes a file, runs "schemac sql" on it,
# and expects either success or exit status 1 with a message of the given
# form.  Any other status (a crash, a sanitizer report, a hang past the
# timeout) fails the case.
#
#     hostile-schema.sh SCHEMAC
#
# The deep and long cases are the ones that would overflow a recursive
# checker or emitter, or the parser's stack; the file cases (a directory,
# an unreadable file, a missing one) exercise the reading of the file.
set -u
schemac=$1
tmp=$(mktemp -d)
trap 'chmod -R u+rwx "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
pass=0
fail=0

# repeat N TEXT: TEXT N times.
repeat() {
    awk -v n="$1" -v t="$2" 'BEGIN { for (i = 0; i < n; i++) printf "%s", t }'
}

# table BODY: a schema holding one table t with the given body.
table() {
    printf 'schema s;\ntable t {\n    id int64 primary key;\n%s\n}\n' "$1"
}

# expect NAME STATUS PATTERN: runs schemac sql on $tmp/NAME; the status
# must be STATUS and the first line of stderr must match PATTERN (an
# extended regular expression; empty when STATUS is 0).
expect() {
    local name=$1 want=$2 pattern=$3 status first
    timeout 120 "$schemac" sql "$tmp/$name" >"$tmp/out" 2>"$tmp/err"
    status=$?
    first=$(head -n 1 "$tmp/err" | cut -c 1-200)
    if [ "$status" -ne "$want" ]; then
        echo "FAIL $name: exit status $status, expected $want: $first"
        fail=$((fail + 1))
        return
    fi
    if [ -n "$pattern" ] && ! grep -Eq -- "$pattern" <<<"$first"; then
        echo "FAIL $name: message does not match /$pattern/: $first"
        fail=$((fail + 1))
        return
    fi
    echo "ok   $name"
    pass=$((pass + 1))
}

loc='^[^:]+:[0-9]+:[0-9]+: error: '

# ---- deep and long expressions -----------------------------------------
n=10000
table "    check ($(repeat $n '(')id > 0$(repeat $n ')'));" >"$tmp/parens-10000"
expect parens-10000 1 "${loc}check expression nested too deeply"

table "    check ($(repeat 65 '(')id > 0$(repeat 65 ')'));" >"$tmp/parens-65"
expect parens-65 1 "^[^:]+:4:76: error: check expression nested too deeply"

table "    check ($(repeat 63 '(')id > 0$(repeat 63 ')'));" >"$tmp/parens-63"
expect parens-63 0 ""

table "    check ($(repeat 5000 'not ')id > 0);" >"$tmp/not-5000"
expect not-5000 1 "${loc}check expression nested too deeply"

table "    check ($(repeat 5000 '- ')id > 0);" >"$tmp/minus-5000"
expect minus-5000 1 "${loc}check expression nested too deeply"

table "    check ($(repeat 3000 'abs(')id$(repeat 3000 ')') > 0);" \
    >"$tmp/calls-3000"
expect calls-3000 1 "${loc}check expression nested too deeply"

table "    check (id > 0$(repeat 100000 ' and id > 0'));" >"$tmp/and-100000"
expect and-100000 1 "${loc}check expression too deep: more than 1000"

table "    check (id > 0$(repeat 100000 ' or not id < 0'));" >"$tmp/or-100000"
expect or-100000 1 "${loc}check expression too deep"

table "    check (id + 0$(repeat 100000 ' + id') > 0);" >"$tmp/plus-100000"
expect plus-100000 1 "${loc}check expression too deep"

table "    check (id > 0$(repeat 900 ' and id > 0'));" >"$tmp/and-900"
expect and-900 0 ""

# A long in-list is flat, not deep: it must be accepted, and quickly.
list=$(seq -s ', ' 1 100000)
table "    check (id in ($list));" >"$tmp/in-100000"
expect in-100000 0 ""

# Two minus signs must not become "--", an SQL comment.
table "    check (- -id > - 1);" >"$tmp/minus-minus"
expect minus-minus 0 ""
if grep -v '^--' "$tmp/out" | grep -q -- '--'; then
    echo "FAIL minus-minus: the SQL holds \"--\""
    fail=$((fail + 1))
fi

# Generated code for a wide table and a long in-list still compiles as
# C99 with -Wpedantic: no string literal passes 4095 bytes.
compiles() {
    local name=$1 cc=${CC:-cc}
    mkdir -p "$tmp/gen-$name"
    if "$schemac" generate "$tmp/$name" -o "$tmp/gen-$name" 2>"$tmp/err" &&
       "$cc" -std=c99 -Wall -Wextra -Wpedantic -Werror \
           -I "$SCHEMAC_SOURCE_ROOT/runtime" -fsyntax-only \
           "$tmp/gen-$name/s_db.c" 2>>"$tmp/err"; then
        echo "ok   $name compiles"
        pass=$((pass + 1))
    else
        echo "FAIL $name: $(grep -m 1 error "$tmp/err" | cut -c 1-200)"
        fail=$((fail + 1))
    fi
}
cols=$(awk 'BEGIN { for (i = 0; i < 300; i++)
    printf "    column_number_%d text not null default '"'"'abc'"'"';\n", i }')
table "$cols" >"$tmp/wide-300"
compiles wide-300
table "    check (id in ($(seq -s ', ' 1 1000)));" >"$tmp/in-1000"
compiles in-1000

# ---- huge names and strings --------------------------------------------
big=$(repeat 1048576 'n')
printf 'schema s;\ntable %s {\n    id int64 primary key;\n}\n' "$big" \
    >"$tmp/table-name-1mb"
expect table-name-1mb 1 "${loc}table name \"n+\.\.\.\" is longer than 63"

table "    $big int64;" >"$tmp/column-name-1mb"
expect column-name-1mb 1 "${loc}column name \"n+\.\.\.\" is longer than 63"

printf 'schema %s;\n' "$big" >"$tmp/schema-name-1mb"
expect schema-name-1mb 1 "${loc}schema name \"n+\.\.\.\" is longer than 63"

printf 'schema s;\nenum e { %s }\n' "$big" >"$tmp/enum-value-1mb"
expect enum-value-1mb 1 "${loc}.* is longer than 63"

table "    $(repeat 63 c) int64;" >"$tmp/column-name-63"
expect column-name-63 0 ""

table "    $(repeat 64 c) int64;" >"$tmp/column-name-64"
expect column-name-64 1 "${loc}column name \"c+\.\.\.\" is longer than 63"

table "    name text not null default '$(repeat 1048576 x)';" \
    >"$tmp/string-1mb"
expect string-1mb 1 "${loc}string of 1048576 bytes is longer than the 4095"

table "    name text not null default '$(repeat 4096 x)';" >"$tmp/string-4096"
expect string-4096 1 "${loc}string of 4096 bytes"

table "    name text not null default '$(repeat 2000 "''")';" \
    >"$tmp/string-quotes"
expect string-quotes 0 ""

# ---- bytes of the file ------------------------------------------------
head -c 1048576 /dev/zero >"$tmp/nul-1mb"
expect nul-1mb 1 "${loc}NUL byte in the source"

: >"$tmp/empty"
expect empty 1 "${loc}missing schema declaration"

printf '\xEF\xBB\xBF' >"$tmp/bom-only"
expect bom-only 1 "${loc}missing schema declaration"

printf '\r\n\r\n\r' >"$tmp/crlf-only"
expect crlf-only 1 "${loc}missing schema declaration"

head -c 65536 /dev/urandom >"$tmp/random"
expect random 1 "$loc"

# The same schema with LF, CRLF, lone CR and a BOM: the same SQL, and an
# error on its 4th line is reported on line 4 in every form.
valid=$'schema s;\n// a comment\ntable t {\n    id int64 primary key;\n    /* two\n       lines */\n    name text not null default \'a\';\n}\n'
printf '%s' "$valid" >"$tmp/lf"
printf '%s' "${valid//$'\n'/$'\r\n'}" >"$tmp/crlf"
printf '%s' "${valid//$'\n'/$'\r'}" >"$tmp/cr"
printf '\xEF\xBB\xBF%s' "${valid//$'\n'/$'\r\n'}" >"$tmp/bom-crlf"
for form in lf crlf cr bom-crlf; do
    expect "$form" 0 ""
    sed 1d "$tmp/out" >"$tmp/$form.sql"
done
for form in crlf cr bom-crlf; do
    if ! cmp -s "$tmp/lf.sql" "$tmp/$form.sql"; then
        echo "FAIL $form: the SQL differs from the LF form's"
        fail=$((fail + 1))
    fi
done
bad=$'schema s;\n\ntable t {\n    id int64 primary key @;\n}\n'
printf '%s' "${bad//$'\n'/$'\r\n'}" >"$tmp/crlf-error"
expect crlf-error 1 "^[^:]+:4:26: error: unexpected character '@'"
printf '\xEF\xBB\xBF%s' "${bad//$'\n'/$'\r'}" >"$tmp/bom-cr-error"
expect bom-cr-error 1 "^[^:]+:4:26: error: unexpected character '@'"

# ---- what is not a readable file ---------------------------------------
mkdir "$tmp/a-directory"
expect a-directory 1 "^schemac: cannot read .*a-directory: Is a directory"

expect missing-file 1 "^schemac: cannot read .*missing-file: No such file"

printf '%s' "$valid" >"$tmp/not-a-dir"
expect not-a-dir/x.schema 1 "^schemac: cannot read .*: Not a directory"

# Root reads files whatever their mode: the unreadable case runs as
# "nobody" then (setpriv, from util-linux).
printf '%s' "$valid" >"$tmp/unreadable"
chmod 000 "$tmp/unreadable"
chmod 755 "$tmp"
if [ "$(id -u)" -ne 0 ]; then
    expect unreadable 1 "^schemac: cannot read .*: Permission denied"
elif command -v setpriv >/dev/null 2>&1; then
    setpriv --reuid=65534 --regid=65534 --clear-groups \
        "$schemac" sql "$tmp/unreadable" >/dev/null 2>"$tmp/err"
    status=$?
    if [ "$status" -eq 1 ] &&
       grep -q "^schemac: cannot read .*: Permission denied" "$tmp/err"; then
        echo "ok   unreadable"
        pass=$((pass + 1))
    else
        echo "FAIL unreadable: status $status: $(head -n 1 "$tmp/err")"
        fail=$((fail + 1))
    fi
else
    echo "FAIL unreadable: running as root without setpriv"
    fail=$((fail + 1))
fi

echo "hostile-schema: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
