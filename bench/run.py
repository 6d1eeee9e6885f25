#!/usr/bin/python3
"""run.py - runs the benchmark's implementations side by side and prints
the tables of the README's "Benchmarks" section.

For each database (SQLite always; PostgreSQL when SCHEMAC_BENCH_PG_URL
names one, MariaDB when SCHEMAC_BENCH_MARIADB_URL does, as run.sh
arranges through tests/scripts/with-pg.sh and with-mariadb.sh), every
repetition runs every
implementation once on a fresh database, in a rotated order (gen, hand,
sa; then hand, sa, gen; ...) so that none always runs first or last, and
the table shows each phase's median.  Then the streaming phase runs alone,
in a fresh process per implementation and size, over N and 10 N users,
to show its peak memory.

    run.py --build DIR [-n N] [--reps R] [--sa-reps R] [--no-sa] [--tx]
           [--only sqlite|pg|mariadb]

--tx also runs the C implementations' transaction variant (mode runtx:
every phase inside one transaction, as an ORM session runs it, where the
plain workload reads outside any) and prints its table after the plain
one.

The implementations check their own results: a failed check stops the run
with the implementation's message.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

PHASES = ['insert', 'insert_many', 'get', 'update', 'count_like', 'stream',
          'count_join', 'delete', 'update1', 'delete1']
# Single-row writes in one transaction (update1, delete1): the
# hand-written PostgreSQL program also runs them through a pipeline of
# its own, shown beside the generated code's queued writes.
PIPED = {'update1': 'update1_pipe', 'delete1': 'delete1_pipe'}
IMPLS = ['gen', 'hand', 'sa']
TITLES = {'gen': 'generated', 'hand': 'hand-written', 'sa': 'SQLAlchemy'}
PYTHON = '/usr/bin/python3'  # Debian's, where python3-sqlalchemy lives
HERE = os.path.dirname(os.path.abspath(__file__))


class Unavailable(Exception):
    """An implementation that cannot run here (no driver, no backend)."""


def run_impl(cmd):
    """Runs one implementation; returns its phases and its mem line."""
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True)
    if p.returncode != 0:
        if 'not available in this build' in p.stderr:
            raise Unavailable(p.stderr.strip())
        sys.stderr.write(p.stderr)
        sys.exit('run.py: %s failed' % ' '.join(cmd))
    phases, mem = {}, None
    for line in p.stdout.splitlines():
        f = line.split()
        if f and f[0] == 'phase':
            phases[f[1]] = int(f[2]) / float(f[3])
        elif f and f[0] == 'mem':
            mem = (int(f[1]), int(f[2]))
    return phases, mem


DIALECTS = {'sqlite': 'sqlite', 'pg': 'postgresql', 'mariadb': 'mariadb'}
HANDS = {'sqlite': 'hand_sqlite', 'pg': 'hand_pg', 'mariadb': 'hand_mariadb'}


def mariadb_client(url):
    """The mariadb client's arguments for mariadb://USER:PW@HOST:PORT/DB,
    and the database's name."""
    rest = url[len('mariadb://'):]
    cred, addr = rest.split('@', 1)
    user, pw = cred.split(':', 1)
    hostport, name = addr.split('/', 1)
    host, port = hostport.split(':', 1)
    return ['mariadb', '--no-defaults', '-h', host, '-P', port, '-u', user,
            '-p' + pw], name


class Database:
    """A fresh database per run: an SQLite file, an emptied schema on
    the PostgreSQL server, or a database made again on the MariaDB
    server."""

    def __init__(self, kind, build, tmp):
        self.kind, self.tmp, self.count = kind, tmp, 0
        self.pg_url = os.environ.get('SCHEMAC_BENCH_PG_URL', '')
        self.mariadb_url = os.environ.get('SCHEMAC_BENCH_MARIADB_URL', '')
        self.ddl = os.path.join(build, 'bench',
                                'bench_%s.sql' % DIALECTS[kind])
        self.hand = os.path.join(build, 'bench', HANDS[kind])

    def fresh(self):
        if self.kind == 'mariadb':
            cmd, name = mariadb_client(self.mariadb_url)
            subprocess.run(cmd + ['-e', 'DROP DATABASE IF EXISTS `%s`; '
                                  'CREATE DATABASE `%s` CHARACTER SET utf8mb4 '
                                  'COLLATE utf8mb4_bin' % (name, name)],
                           check=True)
            return self.mariadb_url
        if self.kind == 'pg':
            env = dict(os.environ, PGOPTIONS='-c client_min_messages=warning')
            subprocess.run(['psql', '-q', '-X', self.pg_url, '-c',
                            'DROP SCHEMA public CASCADE; '
                            'CREATE SCHEMA public'], check=True, env=env)
            return self.pg_url
        for name in os.listdir(self.tmp):
            os.unlink(os.path.join(self.tmp, name))
        self.count += 1
        return 'sqlite:' + os.path.join(self.tmp, 'b%d.db' % self.count)


def command(impl, build, mode, url, n, ddl):
    if impl == 'sa':
        cmd = [PYTHON, os.path.join(HERE, 'sa_impl.py')]
    else:
        cmd = [os.path.join(build, 'bench', impl_binary(impl, ddl))]
    cmd += [mode, url, str(n)]
    return cmd + [ddl] if mode != 'stream' and impl != 'gen' else cmd


def impl_binary(impl, ddl):
    if impl == 'gen':
        return 'gen_impl'
    for kind, dialect in DIALECTS.items():
        if ddl.endswith('_%s.sql' % dialect):
            return HANDS[kind]
    raise ValueError(ddl)


def workload(db, args, impls, mode='run'):
    """Runs the repetitions in mode (run or runtx); returns {impl: {phase:
    [rates]}} and the implementations that could not run, with why."""
    rates = {i: {p: [] for p in PHASES + list(PIPED.values())}
             for i in impls}
    missing = {}
    for rep in range(args.reps):
        order = impls[rep % len(impls):] + impls[:rep % len(impls)]
        for impl in order:
            if impl in missing or (impl == 'sa' and rep >= args.sa_reps):
                continue
            cmd = command(impl, args.build, mode, db.fresh(), args.n, db.ddl)
            try:
                phases, _ = run_impl(cmd)
            except Unavailable as e:
                missing[impl] = str(e)
                continue
            for p in rates[impl]:
                if p in phases:  # not every program has every phase
                    rates[impl][p].append(phases[p])
            print('  %s %s rep %d done' % (impl, mode, rep + 1),
                  file=sys.stderr)
    return rates, missing


def memory(db, args, impls, missing):
    """Peak memory of the stream at N and 10 N: {impl: [(before, peak)]}."""
    out = {i: [] for i in impls if i not in missing}
    for n in (args.n, 10 * args.n):
        url = db.fresh()
        subprocess.run([db.hand, 'populate', url, str(n), db.ddl],
                       check=True, stdout=subprocess.DEVNULL)
        for impl in out:
            _, mem = run_impl(command(impl, args.build, 'stream', url, n,
                                      db.ddl))
            out[impl].append(mem)
    return out


def fmt_rate(xs):
    return '%.0f' % statistics.median(xs) if xs else 'n/a'


def ratio(a, b):
    if not a or not b:
        return 'n/a'
    return '%.2f' % (statistics.median(a) / statistics.median(b))


def print_rates(title, rates, impls, args):
    print('\n%s, N = %d, median of %d runs (SQLAlchemy: %d)' %
          (title, args.n, args.reps, min(args.sa_reps, args.reps)))
    print('rows per second; count phases: queries per second\n')
    sa = 'sa' in impls
    head = ['phase'] + [TITLES[i] for i in impls] + ['gen/hand']
    head += ['gen/SA'] if sa else []
    print('| ' + ' | '.join(head) + ' |')
    print('|' + '---|' * len(head))
    for p in PHASES:
        r = {i: rates.get(i, {}).get(p, []) for i in IMPLS}
        cells = [p] + [fmt_rate(r[i]) for i in impls]
        cells += [ratio(r['gen'], r['hand'])]
        cells += [ratio(r['gen'], r['sa'])] if sa else []
        print('| ' + ' | '.join(cells) + ' |')
    for p, piped in PIPED.items():
        hand = rates.get('hand', {}).get(piped, [])
        if not hand:
            continue
        gen = rates.get('gen', {}).get(p, [])
        cells = ['%s, hand-written pipelined' % p]
        cells += [fmt_rate(gen if i == 'gen' else hand if i == 'hand'
                           else []) for i in impls]
        cells += [ratio(gen, hand)] + (['n/a'] if sa else [])
        print('| ' + ' | '.join(cells) + ' |')


def print_memory(title, mem, args):
    print('\n%s: peak resident memory of the streaming phase (MiB)' % title)
    print('before: resident set when the stream starts; peak: VmHWM after '
          'it, the high-water mark having been reset at the start\n')
    print('| implementation | N before | N peak | 10N before | 10N peak | '
          'growth N -> 10N |')
    print('|---|---|---|---|---|---|')
    for impl, ms in mem.items():
        (b1, p1), (b2, p2) = ms
        growth = ((p2 - b2) - (p1 - b1)) / 1024
        print('| %s | %.1f | %.1f | %.1f | %.1f | %+.1f |' %
              (TITLES[impl], b1 / 1024, p1 / 1024, b2 / 1024, p2 / 1024,
               growth))


def machine():
    cpu = 'unknown'
    with open('/proc/cpuinfo') as f:
        for line in f:
            if line.startswith('model name'):
                cpu = line.split(':', 1)[1].strip()
                break
    with open('/proc/meminfo') as f:
        ram = int(f.readline().split()[1]) / 1024 / 1024
    return 'nproc %d, CPU %s, RAM %.1f GiB' % (os.cpu_count(), cpu, ram)


def sa_available():
    p = subprocess.run([PYTHON, '-c', 'import sqlalchemy; '
                        'print(sqlalchemy.__version__)'],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                       universal_newlines=True)
    return p.stdout.strip() if p.returncode == 0 else None


def mysqldb_available():
    return subprocess.run([PYTHON, '-c', 'import MySQLdb'],
                          stderr=subprocess.DEVNULL).returncode == 0


def bench_db(kind, title, args, impls):
    with tempfile.TemporaryDirectory(prefix='schemac-bench.') as tmp:
        db = Database(kind, args.build, tmp)
        rates, missing = workload(db, args, impls)
        if args.tx:
            tx_impls = [i for i in impls if i != 'sa']
            tx_rates, _ = workload(db, args, tx_impls, 'runtx')
        mem = memory(db, args, impls, missing)
    print_rates(title, rates, impls, args)
    if args.tx:
        print_rates(title + ', each phase in one transaction', tx_rates,
                    tx_impls, args)
    for impl, why in missing.items():
        print('\n%s on %s did not run: %s' % (TITLES[impl], title, why))
    print_memory(title, mem, args)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--build', required=True)
    ap.add_argument('-n', type=int, default=100000)
    ap.add_argument('--reps', type=int, default=3)
    ap.add_argument('--sa-reps', type=int, default=1)
    ap.add_argument('--no-sa', action='store_true')
    ap.add_argument('--tx', action='store_true',
                    help='also the variant with every phase in a transaction')
    ap.add_argument('--only', choices=['sqlite', 'pg', 'mariadb'])
    args = ap.parse_args()
    args.build = os.path.abspath(args.build)
    impls = ['gen', 'hand']
    version = None if args.no_sa else sa_available()
    if version:
        impls.append('sa')
    print('machine: ' + machine())
    print('SQLAlchemy: ' + (version or 'not run (python3-sqlalchemy '
                                       'missing or --no-sa)'))
    if args.only in (None, 'sqlite'):
        bench_db('sqlite', 'SQLite (file in a temporary directory, WAL)',
                 args, impls)
    if args.only not in (None, 'pg'):
        pass
    elif os.environ.get('SCHEMAC_BENCH_PG_URL'):
        bench_db('pg', 'PostgreSQL (private server on loopback)',
                 args, impls)
    else:
        print('\nPostgreSQL: not run (no server: see with-pg.sh)')
    if args.only not in (None, 'mariadb'):
        pass
    elif os.environ.get('SCHEMAC_BENCH_MARIADB_URL'):
        sa = [i for i in impls if i != 'sa' or mysqldb_available()]
        bench_db('mariadb', 'MariaDB (private server on loopback)',
                 args, sa)
        if len(sa) < len(impls):
            print('\nSQLAlchemy on MariaDB: not run (python3-mysqldb '
                  'missing)')
    else:
        print('\nMariaDB: not run (no server: see with-mariadb.sh)')


if __name__ == '__main__':
    main()
