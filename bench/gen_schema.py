#!/usr/bin/python3
"""gen_schema.py - writes a synthetic schema for timing the generator at
scale: TABLES tables of 12 columns each (every column type the language
has that a real table would use), each table but the first referencing
the one before it and one further back, with an index on each foreign key.

    gen_schema.py [--tables 1000] [--changed 0] > big.schema

--changed K alters every (TABLES/K)-th table, K in all, the way a
migration would see it: a widened varchar, an int32 grown to int64, and
an added index.  The output depends on the arguments only.
"""
import argparse
import sys


def table(k, changed):
    name = 't%04d' % k
    note = 'varchar(500)' if changed else 'varchar(200)'
    kind = 'int64' if changed else 'int32'
    lines = [
        '// Synthetic table %d.' % k,
        'table %s {' % name,
        '    id         int64         primary key autoincrement;',
    ]
    if k > 1:
        lines.append('    parent_id  int64         not null references '
                     't%04d(id) on delete cascade;' % (k - 1))
        lines.append('    other_id   int64         references t%04d(id) '
                     'on delete set null;' % (1 + (k * 7) % (k - 1)))
    else:
        lines.append('    parent_id  int64         not null;')
        lines.append('    other_id   int64;')
    lines += [
        '    name       varchar(64)   not null unique;',
        '    note       %-13s;' % note,
        '    amount     numeric(12,2) not null default 0;',
        '    ratio      float64;',
        '    flag       bool          not null default false;',
        '    born       date;',
        '    seen_at    timestamp     not null default now;',
        '    payload    bytes;',
        '    kind       %-13s not null default 1;' % kind,
    ]
    if k > 1:
        lines.append('    index (parent_id);')
    if changed:
        lines.append('    index (kind, seen_at);')
    return '\n'.join(lines) + '\n}\n'


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--tables', type=int, default=1000)
    ap.add_argument('--changed', type=int, default=0)
    args = ap.parse_args()
    step = args.tables // args.changed if args.changed else 0
    out = ['// A synthetic schema of %d tables (gen_schema.py).' % args.tables,
           'schema big;', '']
    for k in range(1, args.tables + 1):
        out.append(table(k, step > 0 and k % step == 0))
    sys.stdout.write('\n'.join(out))


if __name__ == '__main__':
    main()
