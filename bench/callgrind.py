#!/usr/bin/python3
"""callgrind.py - instructions per row of each phase of the workload,
generated / hand-written, counted by valgrind's callgrind: the yardstick
of the hot paths, exact where wall time on a loaded machine is not.

    callgrind.py --build DIR [-n N] [--tx] [--only sqlite|pg|mariadb]

Each C implementation runs the workload once under callgrind with
--dump-before=bench_now: every phase reads the clock exactly twice (at
its start and its end, see common.h), so the profile part that ends at
the phase's second clock read holds the phase and nothing else.  The
count is the client's: on PostgreSQL and MariaDB the server's work is
not in it.  Count phases are per query, the others per row.  PostgreSQL
runs when SCHEMAC_TEST_URL names a server (tests/scripts/with-pg.sh),
MariaDB when SCHEMAC_BENCH_MARIADB_URL does (with-mariadb.sh, as
callgrind.sh runs it); --tx runs the transaction variant of the workload
(run.py --tx).
"""
import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run as bench  # noqa: E402  (the same databases and commands)


def parts(outdir):
    """The instruction totals of the profile parts, in order."""
    files = glob.glob(os.path.join(outdir, 'cg.out.*'))
    numbered = []
    for f in files:
        m = re.search(r'\.(\d+)$', f)
        if m:
            numbered.append((int(m.group(1)), f))
    totals = []
    for _, f in sorted(numbered):
        with open(f) as fh:
            for line in fh:
                if line.startswith('totals:') or line.startswith('summary:'):
                    totals.append(int(line.split()[1]))
                    break
    return totals


def measure(cmd):
    """{phase: instructions per row} of one run of cmd under callgrind."""
    outdir = tempfile.mkdtemp(prefix='schemac-cg.')
    try:
        vg = ['valgrind', '--tool=callgrind', '--dump-before=bench_now',
              '--dump-instr=no', '--compress-strings=no',
              '--callgrind-out-file=' + os.path.join(outdir, 'cg.out')]
        p = subprocess.run(vg + cmd, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, universal_newlines=True)
        if p.returncode != 0:
            sys.stderr.write(p.stderr)
            sys.exit('callgrind.py: %s failed' % ' '.join(cmd))
        phases = []
        for line in p.stdout.splitlines():
            f = line.split()
            if f and f[0] == 'phase':
                phases.append((f[1], int(f[2])))
        totals = parts(outdir)
        # Part k (1-based) ends at the k-th clock read; phase j's parts
        # are 2j - 1 (before it) and 2j (the phase itself).
        if len(totals) < 2 * len(phases):
            sys.exit('callgrind.py: %d profile parts for %d phases' %
                     (len(totals), len(phases)))
        return {name: totals[2 * j + 1] / rows
                for j, (name, rows) in enumerate(phases)}
    finally:
        shutil.rmtree(outdir)


def bench_db(kind, title, args):
    if kind == 'pg':  # run.py's databases take the server from here
        os.environ.setdefault('SCHEMAC_BENCH_PG_URL',
                              os.environ.get('SCHEMAC_TEST_URL', ''))
    with tempfile.TemporaryDirectory(prefix='schemac-bench.') as tmp:
        db = bench.Database(kind, args.build, tmp)
        mode = 'runtx' if args.tx else 'run'
        got = {}
        for impl in ('gen', 'hand'):
            got[impl] = measure(bench.command(impl, args.build, mode,
                                              db.fresh(), args.n, db.ddl))
    print('\n%s, N = %d%s: instructions per row (count phases: per '
          'query), client side\n' %
          (title, args.n, ', each phase in one transaction' if args.tx
           else ''))
    print('| phase | generated | hand-written | gen/hand |')
    print('|---|---|---|---|')
    for p in bench.PHASES:
        g, h = got['gen'].get(p), got['hand'].get(p)
        if g is None or h is None:
            continue
        print('| %s | %.0f | %.0f | %.3f |' % (p, g, h, g / h))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--build', required=True)
    ap.add_argument('-n', type=int, default=2000)
    ap.add_argument('--tx', action='store_true')
    ap.add_argument('--only', choices=['sqlite', 'pg', 'mariadb'])
    args = ap.parse_args()
    args.build = os.path.abspath(args.build)
    if shutil.which('valgrind') is None:
        sys.exit('callgrind.py: valgrind is not installed')
    if args.only in (None, 'sqlite'):
        bench_db('sqlite', 'SQLite', args)
    if args.only in (None, 'pg'):
        if os.environ.get('SCHEMAC_TEST_URL'):
            # run.py's databases take the server's URL under this name
            os.environ['SCHEMAC_BENCH_PG_URL'] = os.environ['SCHEMAC_TEST_URL']
            bench_db('pg', 'PostgreSQL', args)
        else:
            print('\nPostgreSQL: not run (no server: see with-pg.sh)')
    if args.only in (None, 'mariadb'):
        if os.environ.get('SCHEMAC_BENCH_MARIADB_URL'):
            bench_db('mariadb', 'MariaDB', args)
        elif args.only == 'mariadb':
            print('\nMariaDB: not run (no server: see with-mariadb.sh)')


if __name__ == '__main__':
    main()
