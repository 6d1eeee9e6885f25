/*
 * dialect.c - the table of SQL dialects (dialect.h): one entry each for
 * SQLite, PostgreSQL and MariaDB (which MySQL reads too).
 */
#include "dialect.h"

#include <ctype.h>
#include <string.h>

/* The version table and the parts table (docs/MIGRATIONS.md), in words
 * every dialect reads but MariaDB's, whose text cannot be a key. */
#define VERSION_TABLE(TEXT, KEY, TAIL)                                      \
    "CREATE TABLE IF NOT EXISTS schemac_migrations ("                       \
    "version integer PRIMARY KEY, name " TEXT " NOT NULL, "                 \
    "checksum " TEXT " NOT NULL, applied_at " TEXT " NOT NULL)" TAIL
#define PARTS_TABLE(TEXT, KEY, TAIL)                                        \
    "CREATE TABLE IF NOT EXISTS schemac_migration_parts ("                  \
    "version integer NOT NULL, direction " KEY " NOT NULL, "                \
    "part integer NOT NULL, statements integer NOT NULL, "                  \
    "checksum " TEXT " NOT NULL, finished_at " TEXT " NOT NULL, "           \
    "PRIMARY KEY (version, direction, part))" TAIL

/* The advisory lock every runner on a PostgreSQL database takes: the
 * bytes "schemac!" read as a big-endian 64-bit integer. */
#define PG_LOCK_KEY "8315162400540467489"

static const char *const sqlite_aliases[] = {NULL};
static const char *const sqlite_schemes[] = {"sqlite:", NULL};
static const char *const pg_aliases[] = {"postgres", NULL};
static const char *const pg_schemes[] = {"postgresql://", "postgres://",
                                         NULL};
static const char *const maria_aliases[] = {"mysql", NULL};
static const char *const maria_schemes[] = {"mariadb://", "mysql://", NULL};
static const char *const pg_fraction_types[] = {
    "TIMESTAMP", "TIMESTAMPTZ", "TIME", "TIMETZ", NULL};
static const char *const maria_fraction_types[] = {"DATETIME", "TIMESTAMP",
                                                    "TIME", NULL};
static const char *const maria_prefix_keyed[] = {
    "TEXT", "MEDIUMTEXT", "LONGTEXT", "BLOB",
    "MEDIUMBLOB", "LONGBLOB", "JSON", NULL};

static const sc__dialect dialects[SC_NDIALECTS] = {
    {
        .id = SC_DIALECT_SQLITE,
        .c_name = "SC_DIALECT_SQLITE",
        .name = "sqlite",
        .aliases = sqlite_aliases,
        .url_schemes = sqlite_schemes,
        .file_suffix = ".sqlite.sql",
        .quote_open = '"',
        .quote_close = '"',
        .key_chars = 0,
        .type = {
            .bool_ = "INTEGER", .int16 = "INTEGER", .int32 = "INTEGER",
            .int64 = "INTEGER", .float32 = "REAL", .float64 = "REAL",
            .numeric = "INTEGER", .decimal = "TEXT", .varchar = "TEXT",
            .text = "TEXT", .bytes = "BLOB", .date = "INTEGER",
            .timestamp = "INTEGER", .timestamp_local = "INTEGER",
            .uuid = "BLOB", .json = "TEXT", .key_text = NULL, .enum_ = "TEXT",
            .fmt_text = "TEXT", .fmt_real = "REAL",
            .fmt_integer = "INTEGER",
        },
        .now = {
            .date = "(CAST(julianday('now') - 2440587.5 AS INTEGER))",
            .timestamp = "(CAST((julianday('now') - 2440587.5) * "
                         "86400000000.0 AS INTEGER))",
            .timestamp_local = "(CAST((julianday('now') - 2440587.5) * "
                               "86400000000.0 AS INTEGER))",
            .text_date = "(date('now'))",
            .text_timestamp = "(strftime('%Y-%m-%d %H:%M:%f', 'now'))",
            .epoch = "(CAST(strftime('%s', 'now') AS INTEGER))",
            .session_date = "(CAST(julianday('now') - 2440587.5 AS INTEGER))",
            .text_session_date = "(date('now'))",
        },
        .autoinc_type = "INTEGER NOT NULL",
        .autoinc_before = "",
        .autoinc_after = " AUTOINCREMENT",
        .table_suffix = " STRICT",
        .pk_named = true,
        .bool_true = "1",
        .bool_false = "0",
        .bytes_open = "X'",
        .uuid_as_bytes = true,
        .numeric_as_integer = true,
        .decimal_quoted = true,
        .time_literal = SC__TIME_INTEGER,
        .utc_offset = "",
        .negative_default_parens = true,
        .backslash_escapes = false,
        .has_ilike = false,
        .like_escape = " ESCAPE '\\'",
        .offset_without_limit = " LIMIT -1",
        .byte_collation = "",
        .text_collation = NULL,
        .alter_collation = NULL,
        .nulls_order = false,
        .in_array = " IN (SELECT value FROM json_each(",
        .not_in_array = " NOT IN (SELECT value FROM json_each(",
        .array_close = "))",
        .array_json = true,
        .max_params = 0,
        .decimal_cast = NULL,
        .decimal_collation = " COLLATE " SC__DECIMAL_COLLATION,
        .enum_type_ordered = false,
        .create_enum = NULL,
        .row_values_from_list = false,
        .empty_insert = " DEFAULT VALUES",
        .insert_returning = false,
        .target_derived = false,
        .begin = "BEGIN",
        .begin_write = "BEGIN IMMEDIATE",
        .lock_step = NULL,
        .lock_session = NULL,
        .unlock_session = NULL,
        .fk_off = "PRAGMA foreign_keys = OFF",
        .fk_on = "PRAGMA foreign_keys = ON",
        .fk_check = "PRAGMA foreign_key_check",
        .table_exists = "SELECT count(*) FROM sqlite_master "
                        "WHERE type = 'table' AND name = '%s'",
        .version_columns =
            "SELECT group_concat(name, ', ') FROM (SELECT name FROM "
            "pragma_table_info('schemac_migrations') ORDER BY name)",
        .count_tables = "SELECT count(*) FROM sqlite_master WHERE type = "
                        "'table' AND name NOT LIKE 'sqlite%'",
        .row_estimate = NULL,
        .now_iso = "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')",
        .version_table = VERSION_TABLE("text", "text", ""),
        .parts_table = PARTS_TABLE("text", "text", ""),
        .deferrable_fk = true,
        .expression_index = true,
        .partial_index = true,
        .if_not_exists_kinds = "|VIEW|TRIGGER|INDEX|TABLE|VIRTUAL TABLE|",
        .transactional_ddl = true,
        .lock_timeout = false,
        .concurrent_index = false,
        .retry_busy = false,
        .raise_guards = false,
        .alter = {
            .add_column = true, .drop_column = true,
            .rename_column = true, .rename_table = true,
            .alter_column_type = false, .alter_nullability = false,
            .alter_default = false, .add_constraint = false,
            .drop_constraint = false,
        },
        .float_infinity = true, .float_nan = false,
        .min_year = 0, .max_year = 0,
        .float_negative_zero = false, .error_aborts_txn = false,
        .json_max_depth = 0,
        /* migrate diff's spellings */
        .modify_column = false,
        .not_valid = false,
        .rename_constraint = false,
        .rename_key = NULL,
        .drop_fk = "DROP CONSTRAINT IF EXISTS",
        .drop_key = "DROP CONSTRAINT IF EXISTS",
        .drop_check = "DROP CONSTRAINT IF EXISTS",
        .drop_pk = NULL,
        .drop_index_on = false,
        .drop_trigger_on = false,
        .fk_needs_index = false,
        .char_length = "length",
        .migration_file_optional = false,
        /* catalog */
        .strict_tables = true,
        .checks_reworded = false,
        .collate_named = false,
        .autoinc_declared = "INTEGER",
        .unique_index_is_key = false,
        .fk_restrict_is_none = false,
        .title = "SQLite",
        .pk_name_suffix = NULL,
        .database_name = NULL,
        .type_check = true,
        .index_opclass = false,
        .index_method = false,
        .domains = false,
        .declared_type_field = NULL,
        .lints_printed = false,
    },
    {
        .id = SC_DIALECT_POSTGRESQL,
        .c_name = "SC_DIALECT_POSTGRESQL",
        .name = "postgresql",
        .aliases = pg_aliases,
        .url_schemes = pg_schemes,
        .file_suffix = ".postgresql.sql",
        .quote_open = '"',
        .quote_close = '"',
        .key_chars = 0,
        .type = {
            .bool_ = "boolean", .int16 = "smallint", .int32 = "integer",
            .int64 = "bigint", .float32 = "real",
            .float64 = "double precision", .numeric = "numeric(%u,%u)",
            .decimal = "numeric(%u,%u)", .varchar = "varchar(%u)",
            .text = "text", .bytes = "bytea", .date = "date",
            .timestamp = "timestamptz", .timestamp_local = "timestamp",
            .uuid = "uuid", .json = "jsonb", .key_text = NULL, .enum_ = NULL,
            .fmt_text = "text", .fmt_real = "double precision",
            .fmt_integer = "bigint",
        },
        .now = {
            /* the UTC day, not CURRENT_DATE: the session zone's */
            .date = "((now() AT TIME ZONE 'utc')::date)",
            .timestamp = "now()",
            .timestamp_local = "(now() at time zone 'utc')",
            .text_date = "(to_char(now() AT TIME ZONE 'utc', 'YYYY-MM-DD'))",
            .text_timestamp = "(to_char(now() at time zone 'utc', "
                              "'YYYY-MM-DD HH24:MI:SS.US'))",
            .epoch = "(CAST(floor(extract(epoch FROM now())) AS bigint))",
            .session_date = "CURRENT_DATE",
            .text_session_date = "(to_char(CURRENT_DATE, 'YYYY-MM-DD'))",
        },
        .autoinc_type = NULL,
        .autoinc_before = " GENERATED BY DEFAULT AS IDENTITY",
        .autoinc_after = "",
        .table_suffix = "",
        .pk_named = true,
        .bool_true = "true",
        .bool_false = "false",
        .bytes_open = "'\\x",
        .uuid_as_bytes = false,
        .numeric_as_integer = false,
        .decimal_quoted = false,
        .time_literal = SC__TIME_ISO,
        .utc_offset = "+00",
        .negative_default_parens = false,
        .backslash_escapes = false,
        .has_ilike = true,
        /* Backslash is LIKE's own escape here (standard_conforming_strings
         * being on, set per connection); an ESCAPE clause would make a
         * generic plan call like_escape() for every row. */
        .like_escape = "",
        .offset_without_limit = NULL,
        .byte_collation = " COLLATE \"C\"",
        .text_collation = "C",
        .alter_collation = NULL,
        .nulls_order = true,
        .in_array = " = ANY (",
        .not_in_array = " <> ALL (",
        .array_close = ")",
        .array_json = false,
        .max_params = 65535,
        .decimal_cast = "numeric",
        .decimal_collation = NULL,
        .enum_type_ordered = true,
        .create_enum = "DO $$ BEGIN\n    CREATE TYPE %s AS ENUM (%s);\n"
                       "EXCEPTION WHEN duplicate_object THEN NULL;\nEND $$",
        .row_values_from_list = true,
        .empty_insert = " DEFAULT VALUES",
        .insert_returning = true,
        .target_derived = false,
        .begin = "BEGIN",
        .begin_write = "BEGIN",
        .lock_step = "SELECT pg_advisory_xact_lock(" PG_LOCK_KEY ")",
        .lock_session = "SELECT pg_try_advisory_lock(" PG_LOCK_KEY ")::int",
        .unlock_session = "SELECT pg_advisory_unlock(" PG_LOCK_KEY ")::int",
        .fk_off = NULL,
        .fk_on = NULL,
        .fk_check = NULL,
        .table_exists = "SELECT (to_regclass('%s') IS NOT NULL)::int",
        .version_columns =
            "SELECT string_agg(column_name::text, ', ' ORDER BY "
            "column_name::text) FROM information_schema.columns WHERE "
            "table_name = 'schemac_migrations' AND table_schema = "
            "current_schema()",
        .count_tables = "SELECT count(*) FROM pg_tables WHERE schemaname = "
                        "current_schema()",
        .row_estimate = "SELECT coalesce((SELECT reltuples::bigint FROM "
                        "pg_class WHERE oid = to_regclass('\"%s\"')), -2)",
        .now_iso = "to_char(now() AT TIME ZONE 'UTC', "
                   "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')",
        .version_table = VERSION_TABLE("text", "text", ""),
        .parts_table = PARTS_TABLE("text", "text", ""),
        .deferrable_fk = true,
        .expression_index = true,
        .partial_index = true,
        .if_not_exists_kinds = NULL,
        .transactional_ddl = true,
        .lock_timeout = true,
        .concurrent_index = true,
        .retry_busy = true,
        .raise_guards = true,
        .alter = {
            .add_column = true, .drop_column = true,
            .rename_column = true, .rename_table = true,
            .alter_column_type = true, .alter_nullability = true,
            .alter_default = true, .add_constraint = true,
            .drop_constraint = true,
        },
        .float_infinity = true, .float_nan = true,
        .min_year = 0, .max_year = 0,
        .float_negative_zero = true, .error_aborts_txn = true,
        .json_max_depth = 0,
        /* migrate diff's spellings */
        .modify_column = false,
        .not_valid = true,
        .rename_constraint = true,
        .rename_key = NULL,
        .drop_fk = "DROP CONSTRAINT IF EXISTS",
        .drop_key = "DROP CONSTRAINT IF EXISTS",
        .drop_check = "DROP CONSTRAINT IF EXISTS",
        .drop_pk = NULL,
        .drop_index_on = false,
        .drop_trigger_on = true,
        .fk_needs_index = false,
        .char_length = "length",
        .migration_file_optional = false,
        /* catalog */
        .strict_tables = false,
        .checks_reworded = true,
        .collate_named = true,
        .autoinc_declared = NULL,
        .unique_index_is_key = false,
        .fk_restrict_is_none = false,
        .title = "PostgreSQL",
        .pk_name_suffix = "_pkey",
        .database_name = "SELECT current_database()",
        .type_check = false,
        .index_opclass = true,
        .index_method = true,
        .domains = true,
        .declared_type_field = ".pg_type",
        .fraction_types = pg_fraction_types,
        .fraction_default = 6,
        .lints_printed = true,
    },
    {
        /* MariaDB 10.6 and later over InnoDB; MySQL 8 reads the same.
         * Text is utf8mb4 in the binary collation, so that it orders by
         * its bytes as on the other two; timestamps are DATETIME(6)
         * holding UTC, the session's time_zone set to '+00:00'. */
        .id = SC_DIALECT_MARIADB,
        .c_name = "SC_DIALECT_MARIADB",
        .name = "mariadb",
        .aliases = maria_aliases,
        .url_schemes = maria_schemes,
        .file_suffix = ".mariadb.sql",
        .quote_open = '`',
        .quote_close = '`',
        .key_chars = 768,
        .prefix_keyed = maria_prefix_keyed,
        .type = {
            .bool_ = "BOOLEAN", .int16 = "SMALLINT", .int32 = "INT",
            .int64 = "BIGINT", .float32 = "FLOAT", .float64 = "DOUBLE",
            .numeric = "DECIMAL(%u,%u)", .decimal = "DECIMAL(%u,%u)",
            .varchar = "VARCHAR(%u)", .text = "LONGTEXT",
            .bytes = "LONGBLOB", .date = "DATE",
            .timestamp = "DATETIME(6)", .timestamp_local = "DATETIME(6)",
            .uuid = "BINARY(16)", .json = "JSON",
            .key_text = "VARCHAR(%u)", .enum_ = "ENUM",
            .fmt_text = "LONGTEXT", .fmt_real = "DOUBLE",
            .fmt_integer = "BIGINT",
        },
        .now = {
            .date = "(UTC_DATE())",
            .timestamp = "(UTC_TIMESTAMP(6))",
            .timestamp_local = "(UTC_TIMESTAMP(6))",
            .text_date = "(DATE_FORMAT(UTC_DATE(), '%Y-%m-%d'))",
            .text_timestamp = "(DATE_FORMAT(UTC_TIMESTAMP(6), "
                              "'%Y-%m-%d %H:%i:%s.%f'))",
            .epoch = "(UNIX_TIMESTAMP())",
            .session_date = "(CURDATE())",
            .text_session_date = "(DATE_FORMAT(CURDATE(), '%Y-%m-%d'))",
        },
        .autoinc_type = NULL,
        .autoinc_before = " NOT NULL AUTO_INCREMENT",
        .autoinc_after = "",
        .table_suffix = " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 "
                        "COLLATE=utf8mb4_nopad_bin",
        .pk_named = false,
        .bool_true = "TRUE",
        .bool_false = "FALSE",
        .bytes_open = "X'",
        .uuid_as_bytes = true,
        .numeric_as_integer = false,
        .decimal_quoted = false,
        .time_literal = SC__TIME_ISO,
        .utc_offset = "",
        .negative_default_parens = false,
        .backslash_escapes = true,
        .has_ilike = false,
        /* a backslash escapes in MariaDB's strings: the clause names it
         * doubled */
        .like_escape = " ESCAPE '\\\\'",
        /* the largest LIMIT, 2^64 - 1, stands for none */
        .offset_without_limit = " LIMIT 18446744073709551615",
        .byte_collation = " COLLATE utf8mb4_nopad_bin",
        /* the table's collation (table_suffix) */
        .text_collation = NULL,
        .alter_collation = "utf8mb4_nopad_bin",
        .nulls_order = false,
        /* the values as JSON strings, each cast back to the column's
         * type: CAST from a string is exact where a JSON number would go
         * through a double; text in the table's collation, NO PAD */
        .in_array = " IN (SELECT ",
        .not_in_array = " NOT IN (SELECT ",
        .array_from = " FROM JSON_TABLE(",
        .array_close = ", '$[*]' COLUMNS (v LONGTEXT PATH '$')) AS sc_list)",
        .array_elem = {
            [SC__ELEM_TEXT] = "v COLLATE utf8mb4_nopad_bin",
            [SC__ELEM_INT] = "CAST(v AS SIGNED)",
            [SC__ELEM_DECIMAL] = "CAST(v AS DECIMAL(65,30))",
            [SC__ELEM_FLOAT] = "CAST(v AS DOUBLE)",
            [SC__ELEM_DATE] = "CAST(v AS DATE)",
            [SC__ELEM_TIMESTAMP] = "CAST(v AS DATETIME(6))",
            [SC__ELEM_BYTES] = "UNHEX(v)",
        },
        .array_json = true,
        .max_params = 65535,
        .decimal_cast = "DECIMAL(65,30)",
        .decimal_collation = NULL,
        .enum_type_ordered = true,
        .create_enum = NULL,
        .row_values_from_list = true,
        .empty_insert = " () VALUES ()",
        .insert_returning = false,
        .target_derived = true,
        .begin = "START TRANSACTION",
        .begin_write = "START TRANSACTION",
        .lock_step = NULL,
        .lock_session = "SELECT GET_LOCK('schemac_migrations', 0)",
        .unlock_session = "SELECT RELEASE_LOCK('schemac_migrations')",
        .fk_off = "SET FOREIGN_KEY_CHECKS = 0",
        .fk_on = "SET FOREIGN_KEY_CHECKS = 1",
        .fk_check = NULL,
        .table_exists = "SELECT count(*) FROM information_schema.tables "
                        "WHERE table_schema = DATABASE() AND "
                        "table_name = '%s'",
        .version_columns =
            "SELECT group_concat(column_name ORDER BY column_name "
            "SEPARATOR ', ') FROM information_schema.columns WHERE "
            "table_name = 'schemac_migrations' AND table_schema = "
            "DATABASE()",
        .count_tables = "SELECT count(*) FROM information_schema.tables "
                        "WHERE table_schema = DATABASE() AND "
                        "table_type = 'BASE TABLE'",
        .row_estimate = "SELECT coalesce((SELECT table_rows FROM "
                        "information_schema.tables WHERE table_schema = "
                        "DATABASE() AND table_name = '%s'), -2)",
        .now_iso = "DATE_FORMAT(UTC_TIMESTAMP(), '%Y-%m-%dT%H:%i:%sZ')",
        .version_table = VERSION_TABLE("VARCHAR(255)", "VARCHAR(4)",
                                       " ENGINE=InnoDB"),
        .parts_table = PARTS_TABLE("VARCHAR(255)", "VARCHAR(4)",
                                   " ENGINE=InnoDB"),
        .deferrable_fk = false,
        .expression_index = false,
        .partial_index = false,
        .if_not_exists_kinds = "|VIEW|TRIGGER|INDEX|UNIQUE INDEX|TABLE|"
                               "FUNCTION|PROCEDURE|EVENT|SEQUENCE|",
        .transactional_ddl = false,
        .fk_if_not_exists = true,
        .lock_timeout = false,
        .concurrent_index = false,
        .retry_busy = true,
        .raise_guards = false,
        .alter = {
            .add_column = true, .drop_column = true,
            .rename_column = true, .rename_table = true,
            .alter_column_type = true, .alter_nullability = true,
            .alter_default = true, .add_constraint = true,
            .drop_constraint = true,
        },
        .float_infinity = false, .float_nan = false,
        .min_year = 0, .max_year = 9999,
        .float_negative_zero = false, .error_aborts_txn = false,
        .json_max_depth = 31,
        /* migrate diff's spellings */
        .modify_column = true,
        .not_valid = false,
        .rename_constraint = false,
        .rename_key = "RENAME INDEX",
        .drop_fk = "DROP FOREIGN KEY IF EXISTS",
        .drop_key = "DROP INDEX IF EXISTS",
        .drop_check = "DROP CONSTRAINT IF EXISTS",
        .drop_pk = "DROP PRIMARY KEY",
        .drop_index_on = true,
        .drop_trigger_on = false,
        .fk_needs_index = true,
        .char_length = "char_length",
        .migration_file_optional = true,
        /* catalog */
        .strict_tables = false,
        .checks_reworded = true,
        .collate_named = true,
        .autoinc_declared = NULL,
        .unique_index_is_key = true,
        .fk_restrict_is_none = true,
        .title = "MariaDB",
        .pk_name_suffix = NULL,
        .database_name = "SELECT DATABASE()",
        .type_check = false,
        .index_opclass = false,
        .index_method = false,
        .domains = false,
        .declared_type_field = ".my_type",
        .fraction_types = maria_fraction_types,
        .fraction_default = 0,
        .lints_printed = false,
    },
};

unsigned sc__fraction_digits(const sc__dialect *d, const char *type)
{
    const char *const *k;
    size_t i, n;

    if (d == NULL || d->fraction_types == NULL || type == NULL)
        return 6;
    while (isspace((unsigned char)*type))
        type++;
    for (n = 0; isalpha((unsigned char)type[n]); n++)
        ;
    for (k = d->fraction_types; *k; k++) {
        if (strlen(*k) != n)
            continue;
        for (i = 0; i < n && toupper((unsigned char)type[i]) == (*k)[i]; i++)
            ;
        if (i < n)
            continue;
        for (type += n; isspace((unsigned char)*type); type++)
            ;
        if (*type == '(' && type[1] >= '0' && type[1] <= '6' &&
            type[2] == ')')
            return (unsigned)(type[1] - '0');
        return *type == '(' ? 6 : d->fraction_default;
    }
    return 6;
}

long long sc__fraction_unit(const sc__dialect *d, const char *type)
{
    unsigned n = sc__fraction_digits(d, type);
    long long u = 1;

    for (; n < 6; n++)
        u *= 10;
    return u;
}

const sc__dialect *sc__dialect_of(sc_dialect d)
{
    if ((int)d < 1 || (int)d > SC_NDIALECTS)
        return NULL;
    return &dialects[(int)d - 1];
}

const sc__dialect *sc__dialect_named(const char *name)
{
    const char *const *a;
    int i;

    if (name == NULL)
        return NULL;
    for (i = 0; i < SC_NDIALECTS; i++) {
        if (strcmp(dialects[i].name, name) == 0)
            return &dialects[i];
        for (a = dialects[i].aliases; *a != NULL; a++)
            if (strcmp(*a, name) == 0)
                return &dialects[i];
    }
    return NULL;
}

const sc__dialect *sc__dialect_of_url(const char *url)
{
    const char *const *s;
    int i;

    if (url == NULL)
        return NULL;
    for (i = 0; i < SC_NDIALECTS; i++)
        for (s = dialects[i].url_schemes; *s != NULL; s++)
            if (strncmp(url, *s, strlen(*s)) == 0)
                return &dialects[i];
    return NULL;
}
