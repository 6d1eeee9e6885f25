"""dbtext.py - the database's own text of every value of an adopted
database, read with the sqlite3 or psql program, in the canonical form
tests/adopt/dump.c prints for what the generated code read.

    dbtext.py rows DIALECT TARGET DESCRIBE
        every row of every table: TABLE, then its values, tab-separated
    dbtext.py copies DIALECT TARGET DESCRIBE COPIES
        for each line of COPIES (dump --copy's output), compares the row
        the copy wrote with its original as the database stores them
    dbtext.py selftest
        the normalisation below, over values of known canonical text

TARGET is the SQLite file or the PostgreSQL URL; DESCRIBE is the output
of dump --describe (the columns, their types and formats).

How the database's text is taken:
  - SQLite: for each column the storage class and the text SQLite gives
    the value (a REAL with printf('%!.17g'), a BLOB in hex), so that a
    value kept in another class than the column's format shows as such
    ("?text:abc") and matches nothing the generated code can print;
  - PostgreSQL: COPY (SELECT ...) TO STDOUT, its text format, with the
    time zone UTC and DateStyle ISO.

Normalisation, the same for both databases, into dump.c's canonical form:
  - numeric(p,s), in any storage (scaled integer, REAL, double precision,
    decimal text), is compared as a number at its scale: Decimal of its
    text rounded half-even to s digits (1.98 REAL and 198 scaled by 10^2
    both give "1.98", 1 INTEGER in a NUMERIC(10,2) column gives "1.00");
  - float64 is printed %.17g and float32 %.9g of the single-precision
    value, so that equal binary values give equal text;
  - timestamp text ('2021-01-31T13:45:00.5Z', '2021-01-31 13:45:00+00')
    becomes 'YYYY-MM-DD HH:MM:SS' with '.ffffff' only when the fraction
    is not zero, a 'T' read as a blank, 'Z', '+00' and '+00:00' dropped;
    integer storage is Unix seconds (format integer) or schemac's
    microseconds (native); dates are 'YYYY-MM-DD', native ones days;
  - uuid: lowercase 8-4-4-4-12 from 36 characters, 32 hex digits or 16
    bytes; bool: t or f from 1 and 0 (SQLite) or t and f (PostgreSQL);
  - bytes: x and lowercase hex;
  - text, json, enum labels and the text of other types (inet, text[],
    tsvector, interval): as the database prints them, with backslash, tab,
    line feed and carriage return escaped as COPY does.
"""
import datetime
import decimal
import os
import re
import struct
import subprocess
import sys

NULL = "\\N"


def read_describe(path):
    tables = {}
    order = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            t, c, ty, scale, fmt, flags, pg_type, fk = \
                line.rstrip("\n").split("\t")
            if t not in tables:
                tables[t] = []
                order.append(t)
            tables[t].append({
                "name": c, "type": ty, "scale": int(scale), "format": fmt,
                "flags": flags.split(","), "pg_type": pg_type, "fk": fk,
            })
    return order, tables


def quote_name(name):
    return '"' + name.replace('"', '""') + '"'


def sqlite_expr(c):
    q = quote_name(c["name"])
    text = q
    for ch, esc in (("'\\'", "'\\\\'"), ("char(9)", "'\\t'"),
                    ("char(10)", "'\\n'"), ("char(13)", "'\\r'")):
        text = "replace(%s, %s, %s)" % (text, ch, esc)
    return ("CASE typeof(%s) WHEN 'null' THEN '\\N'"
            " WHEN 'blob' THEN 'x' || lower(hex(%s))"
            " WHEN 'real' THEN 'real:' || printf('%%!.17g', %s)"
            " ELSE typeof(%s) || ':' || %s END" % (q, q, q, q, text))


def run_sqlite(target, sql):
    out = subprocess.run(
        ["sqlite3", "-batch", "-noheader", "-list", "-separator", "\t",
         target, sql],
        check=True, stdout=subprocess.PIPE, encoding="utf-8")
    return [line.split("\t") for line in out.stdout.splitlines()]


def run_psql(target, sql):
    env = dict(os.environ, PGTZ="UTC", PGDATESTYLE="ISO",
               PGOPTIONS="-c client_min_messages=warning")
    out = subprocess.run(
        ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", target, "-c",
         "COPY (%s) TO STDOUT" % sql],
        check=True, stdout=subprocess.PIPE, encoding="utf-8", env=env)
    return [line.split("\t") for line in out.stdout.splitlines()]


MARIADB_URL = re.compile(r"^[a-z]+://([^:@]+):([^@]*)@([^:/]+):(\d+)/([^?]+)")


def cop_text(v):
    """A value MySQLdb gives as text, escaped as COPY escapes it."""
    if v is None:
        return NULL
    if isinstance(v, datetime.datetime):
        out = v.strftime("%Y-%m-%d %H:%M:%S")
        return out + (".%06d" % v.microsecond if v.microsecond else "")
    if isinstance(v, datetime.date):
        return v.isoformat()
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, (bytes, bytearray)):
        v = v.decode("utf-8")
    return (str(v).replace("\\", "\\\\").replace("\t", "\\t")
            .replace("\n", "\\n").replace("\r", "\\r"))


def run_mariadb(target, sql):
    import MySQLdb  # Debian's python3-mysqldb
    m = MARIADB_URL.match(target)
    conn = MySQLdb.connect(user=m.group(1), passwd=m.group(2),
                           host=m.group(3), port=int(m.group(4)),
                           db=m.group(5), charset="utf8mb4")
    try:
        cur = conn.cursor()
        cur.execute("SET time_zone = '+00:00', sql_mode = 'ANSI_QUOTES'")
        cur.execute(sql)
        return [[cop_text(v) for v in r] for r in cur.fetchall()]
    finally:
        conn.close()


def mariadb_expr(c):
    """Bytes as their hex digits, "x" before them."""
    q = quote_name(c["name"])
    if c["type"] in ("bytes", "uuid") and c["format"] == "native":
        return "concat('x', lower(hex(%s)))" % q
    return q


def select(dialect, table, cols, where=""):
    if dialect == "sqlite":
        exprs = ", ".join(sqlite_expr(c) for c in cols)
    elif dialect == "mariadb":
        exprs = ", ".join(mariadb_expr(c) for c in cols)
    else:
        exprs = ", ".join(quote_name(c["name"]) for c in cols)
    return "SELECT %s FROM %s%s" % (exprs, quote_name(table), where)


def fetch(dialect, target, sql):
    if dialect == "sqlite":
        return run_sqlite(target, sql)
    if dialect == "mariadb":
        return run_mariadb(target, sql)
    return run_psql(target, sql)


def split_class(dialect, raw):
    """(storage class, text) of a raw value; PostgreSQL has no classes."""
    if dialect in ("postgresql", "mariadb"):
        return "pg", raw
    if raw.startswith("x"):
        return "blob", raw[1:]
    cls, _, text = raw.partition(":")
    return cls, text


def scaled(text, scale):
    q = decimal.Decimal(1).scaleb(-scale)
    d = decimal.Decimal(text).quantize(q, rounding=decimal.ROUND_HALF_EVEN)
    if d == 0:
        d = abs(d)
    return "%.*f" % (scale, d) if scale > 0 else "%d" % d


TS = re.compile(r"^(\d{4}-\d\d-\d\d)(?:[ T](\d\d):(\d\d)(?::(\d\d))?"
                r"(?:\.(\d+))?)?(Z|[+-]00(?::?00)?)?$")


def timestamp_text(text):
    m = TS.match(text)
    if m is None:
        return None
    date, hh, mm, ss, frac, _ = m.groups()
    out = "%s %s:%s:%s" % (date, hh or "00", mm or "00", ss or "00")
    frac = (frac or "").ljust(6, "0")[:6]
    if frac.strip("0"):
        out += "." + frac
    return out


def from_us(us):
    t = datetime.datetime(1970, 1, 1) + datetime.timedelta(microseconds=us)
    out = t.strftime("%Y-%m-%d %H:%M:%S")
    if t.microsecond:
        out += ".%06d" % t.microsecond
    return out


def uuid_text(hexdigits):
    h = hexdigits.lower()
    if not re.fullmatch(r"[0-9a-f]{32}", h):
        return None
    return "%s-%s-%s-%s-%s" % (h[:8], h[8:12], h[12:16], h[16:20], h[20:])


def normalise(dialect, c, raw):
    """The canonical text of one value, or "?" and the raw text when the
    database keeps it in a form the column's format does not allow."""
    if raw == NULL:
        return NULL
    cls, text = split_class(dialect, raw)
    ty, fmt = c["type"], c["format"]
    got = None
    try:
        got = normalise_typed(dialect, ty, fmt, c["scale"], cls, text)
    except (ValueError, ArithmeticError, OverflowError):
        got = None
    return "?" + raw if got is None else got


def normalise_mariadb(ty, fmt, scale, text):
    """MariaDB's values as MySQLdb gives them (cop_text)."""
    if ty == "bool":
        return {"0": "f", "1": "t"}.get(text)
    if fmt == "text" or ty in ("text", "json", "enum"):
        if ty == "timestamp":
            return timestamp_text(text)
        if ty in ("numeric", "decimal"):
            return scaled(text, scale)
        if ty == "uuid":
            return uuid_text(text.replace("-", ""))
        return text
    if ty in ("int16", "int32", "int64"):
        return str(int(text))
    if ty in ("float32", "float64"):
        v = float(text)
        if ty == "float32":
            return "%.9g" % struct.unpack("f", struct.pack("f", v))[0]
        return "%.17g" % v
    if ty in ("numeric", "decimal"):
        return scaled(text, scale)
    if ty == "bytes":
        return text if text.startswith("x") else None
    if ty == "uuid":
        return uuid_text(text[1:]) if text.startswith("x") else None
    if ty == "date":
        return text if re.fullmatch(r"\d{4}-\d\d-\d\d", text) else None
    if ty == "timestamp":
        return timestamp_text(text)
    return text


def normalise_typed(dialect, ty, fmt, scale, cls, text):
    if dialect == "mariadb":
        return normalise_mariadb(ty, fmt, scale, text)
    pg = dialect == "postgresql"
    if ty == "bool":
        if pg:
            return text if text in ("t", "f") else None
        if cls == "integer" and text in ("0", "1"):
            return "t" if text == "1" else "f"
        return None
    if ty in ("int16", "int32", "int64"):
        return str(int(text)) if pg or cls == "integer" else None
    if ty in ("float32", "float64"):
        if not pg and cls not in ("real", "integer"):
            return None
        v = float(text)
        if ty == "float32":
            return "%.9g" % struct.unpack("f", struct.pack("f", v))[0]
        return "%.17g" % v
    if ty in ("numeric", "decimal"):
        if pg:
            return scaled(text, scale)
        if fmt == "native" and ty == "numeric" and cls == "integer":
            return scaled(decimal.Decimal(int(text)).scaleb(-scale), scale)
        if fmt == "native" and ty == "decimal" and cls == "text":
            return scaled(text, scale)
        if fmt == "real" and cls in ("real", "integer"):
            return scaled(text, scale)
        if fmt == "text" and cls == "text":
            return scaled(text, scale)
        return None
    if ty == "bytes":
        if pg:
            return "x" + text[3:] if text.startswith("\\\\x") else None
        return "x" + text.lower() if cls == "blob" else None
    if ty == "date":
        if fmt == "native" and not pg:
            if cls != "integer":
                return None
            return (datetime.date(1970, 1, 1) +
                    datetime.timedelta(days=int(text))).isoformat()
        if not pg and cls != "text":
            return None
        return text if re.fullmatch(r"\d{4}-\d\d-\d\d", text) else None
    if ty == "timestamp":
        if fmt == "integer":
            if not pg and cls != "integer":
                return None
            return from_us(int(text) * 1000000)
        if fmt == "native" and not pg:
            return from_us(int(text)) if cls == "integer" else None
        if not pg and cls != "text":
            return None
        return timestamp_text(text)
    if ty == "uuid":
        if pg and fmt != "hex":
            return uuid_text(text.replace("-", "")) if len(text) == 36 \
                else None
        if not pg and fmt == "native":
            return uuid_text(text) if cls == "blob" else None
        if not pg and cls != "text":
            return None
        if fmt == "hex":
            return uuid_text(text) if len(text) == 32 else None
        return uuid_text(text.replace("-", "")) if len(text) == 36 else None
    # text, json, enum, and the text of types the language lacks
    return text if pg or cls == "text" else None


def rows(dialect, target, describe):
    order, tables = read_describe(describe)
    for t in order:
        cols = tables[t]
        for r in fetch(dialect, target, select(dialect, t, cols)):
            vals = [normalise(dialect, c, v) for c, v in zip(cols, r)]
            print("\t".join([escape(t)] + vals))


def escape(s):
    return (s.replace("\\", "\\\\").replace("\t", "\\t")
            .replace("\n", "\\n").replace("\r", "\\r"))


def copies(dialect, target, describe, copies_file):
    """Each copy must be stored in the same form as its original: equal
    raw text (and storage class) in every column but the key, the text
    columns the copy changed, and text columns (whose form is the text
    itself, and which triggers may fill), whose class alone is compared.
    Prints one line per table and returns the number of failures."""
    _, tables = read_describe(describe)
    failures = 0
    with open(copies_file, encoding="utf-8") as f:
        lines = [line.rstrip("\n").split("\t") for line in f]
    for fields in lines:
        t = fields[0]
        if fields[1] in ("skip", "error"):
            print("%s: %s: %s" % (t, fields[1], "\t".join(fields[2:])))
            failures += fields[1] == "error"
            continue
        keyname, first, new = fields[1], fields[2], fields[3]
        varied = fields[4].split(",")
        cols = tables[t]
        key = next(c for c in cols if c["name"] == keyname)
        where = " WHERE %s IN (%s, %s) ORDER BY %s" % (
            quote_name(key["name"]), first, new, quote_name(key["name"]))
        got = fetch(dialect, target, select(dialect, t, cols, where))
        if len(got) != 2:
            print("%s: FAIL: %d rows for keys %s and %s" %
                  (t, len(got), first, new))
            failures += 1
            continue
        bad = []
        for c, a, b in zip(cols, got[0], got[1]):
            if c is key:
                continue
            if c["type"] == "text" or c["name"] in varied:
                same = split_class(dialect, a)[0] == \
                    split_class(dialect, b)[0] or NULL in (a, b)
            else:
                same = a == b
            if not same:
                bad.append("%s: stored %s, the copy %s" % (c["name"], a, b))
        if bad:
            print("%s: FAIL: %s" % (t, "; ".join(bad)))
            failures += 1
        else:
            print("%s: copy %s of %s stored alike" % (t, new, first))
    return failures


# normalise() on values as each database prints them: (dialect, type,
# format, scale, raw text, canonical text).
CASES = [
    ("sqlite", "numeric", "real", 2, "real:1.9799999999999999", "1.98"),
    ("sqlite", "numeric", "real", 2, "integer:2", "2.00"),
    ("sqlite", "numeric", "native", 2, "integer:-150", "-1.50"),
    ("sqlite", "numeric", "text", 2, "text:0.5", "0.50"),
    ("sqlite", "numeric", "real", 2, "text:1.98", "?text:1.98"),
    ("postgresql", "numeric", "native", 2, "-0.00", "0.00"),
    ("sqlite", "timestamp", "text", 0, "text:2021-01-31T13:45:00.5Z",
     "2021-01-31 13:45:00.500000"),
    ("sqlite", "timestamp", "text", 0, "text:2021-01-31 13:45:00.000000",
     "2021-01-31 13:45:00"),
    ("sqlite", "timestamp", "text", 0, "integer:2021", "?integer:2021"),
    ("sqlite", "timestamp", "integer", 0, "integer:86401",
     "1970-01-02 00:00:01"),
    ("sqlite", "timestamp", "native", 0, "integer:-1",
     "1969-12-31 23:59:59.999999"),
    ("postgresql", "timestamp", "native", 0, "2023-07-02 06:15:00+00",
     "2023-07-02 06:15:00"),
    ("sqlite", "date", "native", 0, "integer:-1", "1969-12-31"),
    ("sqlite", "uuid", "hex", 0, "text:0123456789ABCDEF0123456789abcdef",
     "01234567-89ab-cdef-0123-456789abcdef"),
    ("sqlite", "uuid", "native", 0, "x0123456789abcdef0123456789abcdef",
     "01234567-89ab-cdef-0123-456789abcdef"),
    ("sqlite", "bool", "native", 0, "integer:1", "t"),
    ("sqlite", "bool", "native", 0, "integer:2", "?integer:2"),
    ("sqlite", "int64", "native", 0, "text:n/a", "?text:n/a"),
    ("sqlite", "float64", "native", 0, "integer:2", "2"),
    ("postgresql", "float32", "native", 0, "0.1", "0.100000001"),
    ("postgresql", "bytes", "native", 0, "\\\\x00ff", "x00ff"),
    ("sqlite", "text", "native", 0, "text:a\\tb", "a\\tb"),
    ("sqlite", "text", "native", 0, "\\N", "\\N"),
    ("mariadb", "bool", "native", 0, "1", "t"),
    ("mariadb", "numeric", "native", 2, "0.50", "0.50"),
    ("mariadb", "timestamp", "native", 0, "2000-01-01 00:00:00",
     "2000-01-01 00:00:00"),
    ("mariadb", "uuid", "native", 0, "x00112233445566778899aabbccddeeff",
     "00112233-4455-6677-8899-aabbccddeeff"),
    ("mariadb", "bytes", "native", 0, "x00ff", "x00ff"),
]


def selftest():
    """Runs normalise() over CASES; prints each miss, returns their count."""
    misses = 0
    for dialect, ty, fmt, scale, raw, want in CASES:
        c = {"type": ty, "format": fmt, "scale": scale}
        got = normalise(dialect, c, raw)
        if got != want:
            print("dbtext: %s %s %s %r gives %r, not %r" %
                  (dialect, ty, fmt, raw, got, want))
            misses += 1
    return misses


def main(argv):
    if len(argv) == 2 and argv[1] == "selftest":
        return 1 if selftest() else 0
    if len(argv) == 5 and argv[1] == "rows":
        rows(argv[2], argv[3], argv[4])
        return 0
    if len(argv) == 6 and argv[1] == "copies":
        return 1 if copies(argv[2], argv[3], argv[4], argv[5]) else 0
    sys.stderr.write(__doc__.split("\n\n")[1] + "\n")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
