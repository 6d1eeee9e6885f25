#!/bin/sh
# Wrongly typed queries do not compile.  Each case below is a statement
# that misuses the generated query API of pycon.schema; compiled with the
# flags users are told to use, every one must be rejected, naming the
# problem where the header has a name for it, while the control (the
# same statements used rightly) must compile.  The former per-column names
# (generate --column-macros) are checked the same way.
#
#     compile-fail.sh SOURCE_ROOT SCHEMAC
set -eu
src=$1
schemac=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$schemac" generate "$src/examples/pycon/pycon.schema" -o "$tmp"
mkdir "$tmp/old"
"$schemac" generate "$src/examples/pycon/pycon.schema" -o "$tmp/old" \
    --column-macros

compilers=""
for cc in gcc clang; do
    if command -v "$cc" >/dev/null 2>&1; then
        compilers="$compilers $cc"
    elif [ "${CI:-}" = true ]; then
        echo "compile-fail: $cc is missing" >&2
        exit 1
    fi
done

# try NAME STATEMENT: writes a translation unit using STATEMENT.
unit() {
    dir=$tmp
    case $1 in old_*) dir=$tmp/old ;; esac
    cat > "$dir/$1.c" <<END
#include "pycon_db.h"
void f(sc_db *db);
void f(sc_db *db)
{
    static const char *const names[] = {"a"};
    static const int64_t ids[] = {1};
    static const pycon_level levels[] = {PYCON_LEVEL_BEGINNER};
    int64_t n = 0;
    pycon_users_query *q = pycon_users_select(db);
    pycon_programs_query *p = pycon_programs_select(db);

    (void)names;
    (void)ids;
    (void)levels;
    (void)n;
    $2
    pycon_users_query_free(q);
    pycon_programs_query_free(p);
}
END
}

# expect NAME TEXT: the errors of case NAME must name TEXT.
expect() {
    echo "$2" >"$tmp/$1.expect"
}

# compiles CC NAME: whether case NAME compiles; the cases named old_*
# against the header with the former names.
compiles() {
    inc=$tmp
    case $2 in old_*) inc=$tmp/old ;; esac
    "$1" -std=c99 -Wall -Wextra -Wpedantic -Werror -fsyntax-only \
        -I "$src/runtime" "$inc/$2.c" 2>"$tmp/$2.$1.log"
}

unit control 'pycon_users_where(q, USER_ID, EQ, 1);
    pycon_users_where(q, USER_NAME, EQ, "x");
    pycon_users_where(q, USER_NAME, LIKE, "x%");
    pycon_users_where(q, KARMA, GT, 10);
    pycon_users_where_in(q, USER_NAME, names, 1);
    pycon_users_where_not_in(q, USER_ID, ids, 1);
    pycon_users_where_null(q, KARMA);
    pycon_users_where_not_null(q, KARMA);
    pycon_programs_where(p, LEVEL, EQ, PYCON_LEVEL_BEGINNER);
    pycon_program_enrollments_where(pycon_users_join_program_enrollments(q),
                                    PROGRAM_ID, EQ, 1);
    pycon_programs_where_in(p, LEVEL, levels, 1);
    pycon_users_order_by(q, JOINED_AT, SC_DESC);
    pycon_users_set(q, USER_NAME, "x");
    pycon_users_set_null(q, KARMA);
    {
        pycon_program_enrollments_join *j =
            pycon_users_join_program_enrollments(q);

        pycon_program_enrollments_or(j);
        pycon_program_enrollments_where(j, USER_ID, EQ, 2);
        pycon_program_enrollments_end(j);
        pycon_program_enrollments_order_by(j, USER_ID, SC_ASC);
        pycon_programs_where(pycon_program_enrollments_join_programs(j),
                             LEVEL, EQ, PYCON_LEVEL_BEGINNER);
    }'
unit string_for_int 'pycon_users_where(q, USER_ID, EQ, "1");'
unit int_for_string 'pycon_users_where(q, USER_NAME, EQ, 5);'
unit other_table 'pycon_users_where(p, USER_NAME, EQ, "x");'
unit unknown_column 'pycon_users_where(q, USRE_NAME, EQ, "x");'
expect unknown_column PYCON_USERS_USRE_NAME_T_is_not_a_column
unit unknown_column_order 'pycon_users_order_by(q, NAME, SC_ASC);'
expect unknown_column_order PYCON_USERS_NAME_T_is_not_a_column
unit unknown_operator 'pycon_users_where(q, USER_NAME, EQUALS, "x");'
expect unknown_operator SC_OP_EQUALS_not_defined_for_type_text
unit null_test_on_not_null 'pycon_users_where_null(q, USER_NAME);'
expect null_test_on_not_null sc_null_test_on_NOT_NULL_column
unit not_null_test_on_key 'pycon_users_where_not_null(q, USER_ID);'
expect not_null_test_on_key sc_null_test_on_KEY_column
unit like_on_number 'pycon_users_where(q, KARMA, LIKE, "1%");'
expect like_on_number SC_OP_LIKE_not_defined_for_type_numeric
unit like_on_int 'pycon_users_where(q, USER_ID, LIKE, 1);'
expect like_on_int SC_OP_LIKE_not_defined_for_type_i64
unit order_on_enum 'pycon_programs_where(p, LEVEL, LT, PYCON_LEVEL_BEGINNER);'
expect order_on_enum SC_OP_LT_not_defined_for_type_pycon_level
unit in_as_value 'pycon_users_where(q, USER_ID, IN, 1);'
expect in_as_value SC_OP_IN_not_defined_for_type_i64
unit wrong_array 'pycon_users_where_in(q, USER_ID, names, 1);'
unit join_filter_on_root 'pycon_program_enrollments_where(q, PROGRAM_ID, EQ, 1);'
unit wrong_enum_array 'pycon_programs_where_in(p, LEVEL, ids, 1);'
unit set_of_key 'pycon_users_set(q, USER_ID, 1);'
expect set_of_key sc_set_of_KEY_column
unit set_null_on_not_null 'pycon_users_set_null(q, USER_NAME);'
expect set_null_on_not_null sc_set_null_on_NOT_NULL_column
unit set_wrong_type 'pycon_users_set(q, USER_NAME, 1);'
unit terminal_on_join 'pycon_program_enrollments_count(
        pycon_users_join_program_enrollments(q), &n);'
unit all_on_join 'pycon_program_enrollment_list l;
    pycon_program_enrollments_all(pycon_users_join_program_enrollments(q),
                                  NULL, &l);'
unit free_join 'pycon_program_enrollments_query_free(
        pycon_users_join_program_enrollments(q));'
unit set_on_join 'pycon_program_enrollments_set(
        pycon_users_join_program_enrollments(q), USER_ID, 1);'
unit join_of_other_table 'pycon_programs_where(
        pycon_users_join_program_enrollments(q), LEVEL, EQ,
        PYCON_LEVEL_BEGINNER);'
unit join_from_other_table 'pycon_users_join_program_enrollments(p);'
unit join_handle_kept_as_query 'pycon_program_enrollments_query *e =
        pycon_users_join_program_enrollments(q);
    (void)e;'
unit wrong_row_type 'pycon_program pr; pycon_users_first(q, NULL, &pr);'

# The former names, from generate --column-macros.
unit old_control 'pycon_users_where_user_id_eq(q, 1);
    pycon_users_where_user_name_like(q, "x%");
    pycon_users_where_user_name_in(q, names, 1);
    pycon_users_where_user_id_not_in(q, ids, 1);
    pycon_users_where_karma_is_null(q);
    pycon_users_where_karma_is_not_null(q);
    pycon_programs_where_level_eq(p, PYCON_LEVEL_BEGINNER);
    pycon_programs_where_level_in(p, levels, 1);
    pycon_program_enrollments_where_program_id_eq(
        pycon_users_join_program_enrollments(q), 1);
    pycon_users_order_by_joined_at(q, SC_DESC);
    pycon_users_update_set_user_name(q, "x");
    pycon_users_update_set_karma_null(q);
    pycon_users_where(q, KARMA, GT, 10);'
unit old_string_for_int 'pycon_users_where_user_id_eq(q, "1");'
unit old_null_test_on_not_null 'pycon_users_where_user_name_is_null(q);'
unit old_other_table 'pycon_users_where_user_name_eq(p, "x");'
unit old_set_on_join 'pycon_program_enrollments_update_set_user_id(
        pycon_users_join_program_enrollments(q), 1);'

n=0
for cc in $compilers; do
    for c in control old_control; do
        if ! compiles "$cc" $c; then
            echo "compile-fail: $c does not compile with $cc:" >&2
            cat "$tmp/$c.$cc.log" >&2
            exit 1
        fi
    done
    for f in "$tmp"/*.c "$tmp"/old/*.c; do
        case=$(basename "$f" .c)
        case $case in control|old_control|pycon_db) continue ;; esac
        if compiles "$cc" "$case"; then
            echo "compile-fail: $case compiled with $cc" >&2
            exit 1
        fi
        if [ -f "$tmp/$case.expect" ] &&
            ! grep -q "$(cat "$tmp/$case.expect")" "$tmp/$case.$cc.log"; then
            echo "compile-fail: $case: $cc does not name" \
                "$(cat "$tmp/$case.expect"):" >&2
            cat "$tmp/$case.$cc.log" >&2
            exit 1
        fi
        n=$((n + 1))
    done
done
echo "compile-fail: $n misuses rejected, the controls compile"
