#!/bin/sh
# Wrongly typed queries do not compile.  Each case below is a statement
# that misuses the generated query API of pycon.schema; compiled with the
# flags users are told to use, every one must be rejected, while the
# control (the same statements used rightly) must compile.
#
#     compile-fail.sh SOURCE_ROOT SCHEMAC
set -eu
src=$1
schemac=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$schemac" generate "$src/examples/pycon/pycon.schema" -o "$tmp"

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
    cat > "$tmp/$1.c" <<END
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

compiles() {
    "$1" -std=c99 -Wall -Wextra -Wpedantic -Werror -fsyntax-only \
        -I "$src/runtime" -I "$tmp" "$tmp/$2.c" 2>"$tmp/$2.$1.log"
}

unit control 'pycon_users_where_user_id_eq(q, 1);
    pycon_users_where_user_name_eq(q, "x");
    pycon_users_where_user_name_in(q, names, 1);
    pycon_users_where_user_id_in(q, ids, 1);
    pycon_users_where_karma_is_null(q);
    pycon_programs_where_level_eq(p, PYCON_LEVEL_BEGINNER);
    pycon_program_enrollments_where_program_id_eq(
        pycon_users_join_program_enrollments(q), 1);
    pycon_programs_where_level_in(p, levels, 1);
    pycon_users_update_set_user_name(q, "x");
    {
        pycon_program_enrollments_join *j =
            pycon_users_join_program_enrollments(q);

        pycon_program_enrollments_or(j);
        pycon_program_enrollments_where_user_id_eq(j, 2);
        pycon_program_enrollments_end(j);
        pycon_program_enrollments_order_by_user_id(j, SC_ASC);
        pycon_programs_where_level_eq(pycon_program_enrollments_join_programs(j),
                                      PYCON_LEVEL_BEGINNER);
    }'
unit string_for_int 'pycon_users_where_user_id_eq(q, "1");'
unit int_for_string 'pycon_users_where_user_name_eq(q, 5);'
unit other_table 'pycon_users_where_user_name_eq(p, "x");'
unit null_test_on_not_null 'pycon_users_where_user_name_is_null(q);'
unit like_on_number 'pycon_users_where_karma_like(q, "1%");'
unit wrong_array 'pycon_users_where_user_id_in(q, names, 1);'
unit join_filter_on_root 'pycon_program_enrollments_where_program_id_eq(q, 1);'
unit wrong_enum_array 'pycon_programs_where_level_in(p, ids, 1);'
unit terminal_on_join 'pycon_program_enrollments_count(
        pycon_users_join_program_enrollments(q), &n);'
unit all_on_join 'pycon_program_enrollment_list l;
    pycon_program_enrollments_all(pycon_users_join_program_enrollments(q),
                                  NULL, &l);'
unit free_join 'pycon_program_enrollments_query_free(
        pycon_users_join_program_enrollments(q));'
unit set_on_join 'pycon_program_enrollments_update_set_user_id(
        pycon_users_join_program_enrollments(q), 1);'
unit join_of_other_table 'pycon_programs_where_level_eq(
        pycon_users_join_program_enrollments(q), PYCON_LEVEL_BEGINNER);'
unit join_from_other_table 'pycon_users_join_program_enrollments(p);'
unit join_handle_kept_as_query 'pycon_program_enrollments_query *e =
        pycon_users_join_program_enrollments(q);
    (void)e;'
unit wrong_row_type 'pycon_program pr; pycon_users_first(q, NULL, &pr);'

n=0
for cc in $compilers; do
    if ! compiles "$cc" control; then
        echo "compile-fail: the control does not compile with $cc:" >&2
        cat "$tmp/control.$cc.log" >&2
        exit 1
    fi
    for f in "$tmp"/*.c; do
        case=$(basename "$f" .c)
        case $case in control|pycon_db) continue ;; esac
        if compiles "$cc" "$case"; then
            echo "compile-fail: $case compiled with $cc" >&2
            exit 1
        fi
        n=$((n + 1))
    done
done
echo "compile-fail: $n misuses rejected, control compiles"
