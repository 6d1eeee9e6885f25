#!/usr/bin/python3
"""run.py - runs the benchmark's implementations side by side and prints
the tables of the README's "Benchmarks" section.

For each database (SQLite always; PostgreSQL when SCHEMAC_BENCH_PG_URL
names one, MariaDB when SCHEMAC_BENCH_MARIADB_URL does, as run.sh
arranges through tests/scripts/with-pg.sh and with-mariadb.sh), every
repetition runs the generated and the hand-written program, and the
hand-written one a second time for the noise, in lock step (see
lockstep()): one phase of one program at a time, the two measures of a
phase seconds apart.  The table shows each phase's median rate, the
median and min-max of the per-repetition ratios gen/hand, the min-max
of hand/hand, the same of rows per CPU second (client and server), and
where each phase's time went.  SQLAlchemy runs alone, --sa-reps times.
Then the streaming phase runs alone, in a fresh process per
implementation and size, over N and 10 N users, to show its peak
memory.

    run.py --build DIR [-n N] [--reps R] [--sa-reps R] [--no-sa] [--tx]
           [--only sqlite|pg|mariadb] [--rotated] [--no-noise] [--pin]
           [--warmup R] [--server-defaults] [--no-settle]

--rotated measures as before the lock step: every implementation once
per repetition on a fresh database, in a rotated order (gen, hand, sa;
then hand, sa, gen; ...), and the ratio of the medians.  --pin puts the
programs on the first CPU and the server on the others.  On PostgreSQL
the server runs without autovacuum and without timed checkpoints
during the benchmark, unless --server-defaults.

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
import sqlite3
import statistics
import struct
import subprocess
import sys
import tempfile
import time

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
    server.  Slots 1, 2, ... are more databases of the same kind beside
    slot 0, for the programs that run in lock step."""

    def __init__(self, kind, build, tmp):
        self.kind, self.tmp, self.count = kind, tmp, 0
        self.pg_url = os.environ.get('SCHEMAC_BENCH_PG_URL', '')
        self.mariadb_url = os.environ.get('SCHEMAC_BENCH_MARIADB_URL', '')
        self.ddl = os.path.join(build, 'bench',
                                'bench_%s.sql' % DIALECTS[kind])
        self.hand = os.path.join(build, 'bench', HANDS[kind])
        self.made = set()

    def fresh(self, slot=0):
        if self.kind == 'mariadb':
            cmd, name = mariadb_client(self.mariadb_url)
            url = self.mariadb_url
            if slot:
                url = url[:url.rindex('/') + 1] + '%s_%d' % (name, slot)
                name = '%s_%d' % (name, slot)
            subprocess.run(cmd + ['-e', 'DROP DATABASE IF EXISTS `%s`; '
                                  'CREATE DATABASE `%s` CHARACTER SET utf8mb4 '
                                  'COLLATE utf8mb4_bin' % (name, name)],
                           check=True)
            return url
        if self.kind == 'pg':
            env = dict(os.environ, PGOPTIONS='-c client_min_messages=warning')
            url = self.pg_url
            if slot:
                url = url[:url.rindex('/') + 1] + 'schemac_bench_%d' % slot
                if slot not in self.made:
                    # one a run before may have left on the same server
                    subprocess.run(['psql', '-q', '-X', self.pg_url, '-c',
                                    'DROP DATABASE IF EXISTS schemac_bench_%d'
                                    % slot, '-c',
                                    'CREATE DATABASE schemac_bench_%d' % slot],
                                   check=True, env=env)
                    self.made.add(slot)
            subprocess.run(['psql', '-q', '-X', url, '-c',
                            'DROP SCHEMA public CASCADE; '
                            'CREATE SCHEMA public'], check=True, env=env)
            return url
        where = os.path.join(self.tmp, 's%d' % slot)
        os.makedirs(where, exist_ok=True)
        for name in os.listdir(where):
            os.unlink(os.path.join(where, name))
        self.count += 1
        return 'sqlite:' + os.path.join(where, 'b%d.db' % self.count)


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


class Server:
    """The CPU time of the database server (PostgreSQL's postmaster and
    its backends, or mariadbd's threads), read from /proc, and its
    pinning.  with-pg.sh and with-mariadb.sh name a script in the
    server's directory, where its pid file lies."""

    def __init__(self, kind, settle=True):
        self.pid, self.kind, self.settles = None, kind, settle
        self.monitors = False
        where = {'pg': ('SCHEMAC_TEST_PG_SERVER', 'data/postmaster.pid'),
                 'mariadb': ('SCHEMAC_TEST_MARIADB_SERVER', 'mysqld.pid')}
        if kind not in where or not os.environ.get(where[kind][0]):
            return
        path = os.path.join(os.path.dirname(os.environ[where[kind][0]]),
                            where[kind][1])
        try:
            with open(path) as f:
                self.pid = int(f.readline())
        except (OSError, ValueError):
            self.pid = None

    def tasks(self):
        """Every thread of the server and of its children."""
        procs, out = [self.pid], []
        try:
            with open('/proc/%d/task/%d/children' % (self.pid, self.pid)) as f:
                procs += [int(c) for c in f.read().split()]
        except OSError:
            pass
        for pid in procs:
            try:
                out += ['/proc/%d/task/%s' % (pid, t)
                        for t in os.listdir('/proc/%d/task' % pid)]
            except OSError:
                pass  # a backend that just ended
        return out

    def cpu(self):
        """{task: (nanoseconds run on a CPU, nanoseconds waited for
        one)} (schedstat, not the 10 ms ticks of stat), or None."""
        if self.pid is None:
            return None
        out = {}
        for task in self.tasks():
            t = schedstat(task)
            if t is not None:
                out[task] = t
        return out

    @staticmethod
    def delta(a, b):
        """Seconds run and seconds waited for a CPU between two
        snapshots: the tasks' growth, a task that began in between
        counted whole and one that ended not at all."""
        if a is None or b is None:
            return None, None
        run = wait = 0
        for t, (r, w) in b.items():
            r0, w0 = a.get(t, (0, 0))
            run, wait = run + r - r0, wait + w - w0
        return run / 1e9, wait / 1e9

    def quiesce(self):
        """Waits, a second at most, until the server has run less than a
        millisecond in 20 ms: work it does after a phase (MariaDB's
        purge of deleted rows, a writer's flush) then falls in no
        program's next phase."""
        if self.pid is None:
            return
        for _ in range(50):
            a = self.cpu()
            time.sleep(0.02)
            if self.delta(a, self.cpu())[0] < 0.001:
                return

    def settle(self, path=None):
        """Brings the server, or on SQLite the database file and the
        disk, to the same state before every phase of every program,
        outside the timing: on MariaDB InnoDB's purge done (SET GLOBAL
        innodb_max_purge_lag_wait = 0 returns when the history list is
        empty), on PostgreSQL no dirty buffer left (CHECKPOINT), on
        SQLite the program's WAL copied back into its database file at
        path and emptied (wal_checkpoint(TRUNCATE)) and no dirty page of
        any file left in the kernel (sync()); then the server idle (see
        quiesce()).  So the rows a program's phase left for the purge,
        the buffers for the background writer, the frames for the next
        checkpoint or the pages for the kernel's writeback are not worked
        off during a phase that did not make them.  With --no-settle
        only the idle wait."""
        if self.settles:
            if self.kind == 'mariadb':
                cmd, _ = mariadb_client(os.environ['SCHEMAC_BENCH_MARIADB_URL'])
                subprocess.run(cmd + ['-e', 'SET GLOBAL '
                                      'innodb_max_purge_lag_wait = 0'],
                               check=True)
            elif self.kind == 'pg':
                subprocess.run(['psql', '-q', '-X', '-o', os.devnull,
                                os.environ['SCHEMAC_BENCH_PG_URL'], '-c',
                                'CHECKPOINT'], check=True)
            else:
                if path is not None and os.path.exists(path):
                    c = sqlite3.connect(path)
                    busy = c.execute('PRAGMA wal_checkpoint(TRUNCATE)')
                    if busy.fetchone()[0]:
                        print('run.py: %s: the checkpoint found a reader'
                              % path, file=sys.stderr)
                    c.close()
                os.sync()
        self.quiesce()

    def state(self):
        """(a level, a counter or None): what the previous phases left
        behind and what the background does meanwhile.  MariaDB: the
        InnoDB history list length (transactions whose undo log waits
        for the purge) and the records purged so far (INNODB_METRICS
        purge_del_mark_records and purge_upd_exist_or_extern_records,
        enabled on first use).  PostgreSQL: the dirty shared buffers
        (pg_buffercache, made in the postgres database) and the buffers
        the background writer and the checkpointer wrote so far
        (pg_stat_bgwriter).  SQLite: the machine's dirty and writeback
        kB (/proc/meminfo), no counter."""
        if self.kind == 'mariadb':
            cmd, _ = mariadb_client(os.environ['SCHEMAC_BENCH_MARIADB_URL'])
            names = "'purge_del_mark_records', " \
                "'purge_upd_exist_or_extern_records'"
            q = 'SELECT (SELECT `COUNT` FROM information_schema.INNODB_METRICS ' \
                "WHERE NAME = 'trx_rseg_history_len'), (SELECT SUM(`COUNT`) " \
                'FROM information_schema.INNODB_METRICS WHERE NAME IN (%s))' \
                % names
            if not self.monitors:
                for name in names.split(', '):
                    q = 'SET GLOBAL innodb_monitor_enable = %s; ' % name + q
                self.monitors = True
            p = subprocess.run(cmd + ['-N', '-B', '-e', q],
                               stdout=subprocess.PIPE, check=True,
                               universal_newlines=True)
            f = p.stdout.split()
            return int(f[0]), int(f[1])
        if self.kind == 'pg':
            url = os.environ['SCHEMAC_BENCH_PG_URL']
            url = url[:url.rindex('/') + 1] + 'postgres'
            env = dict(os.environ, PGOPTIONS='-c client_min_messages=warning')
            q = ['SELECT (SELECT count(*) FROM pg_buffercache WHERE isdirty) '
                 "|| ' ' || (buffers_clean + buffers_checkpoint) "
                 'FROM pg_stat_bgwriter']
            if not self.monitors:
                q.insert(0, 'CREATE EXTENSION IF NOT EXISTS pg_buffercache')
                self.monitors = True
            cmd = ['psql', '-q', '-X', '-A', '-t', url]
            for c in q:
                cmd += ['-c', c]
            p = subprocess.run(cmd, stdout=subprocess.PIPE, check=True,
                               env=env, universal_newlines=True)
            f = p.stdout.split()
            return int(f[-2]), int(f[-1])
        kb = 0
        with open('/proc/meminfo') as f:
            for line in f:
                if line.startswith(('Dirty:', 'Writeback:')):
                    kb += int(line.split()[1])
        return kb, None

    def pin(self, cpus):
        if self.pid is None:
            return
        for task in self.tasks():
            try:
                os.sched_setaffinity(int(task.rsplit('/', 1)[1]), cpus)
            except OSError:
                pass


def schedstat(task):
    """(nanoseconds run on a CPU, nanoseconds waited on a run queue) of
    /proc/PID or /proc/PID/task/TID, or None."""
    try:
        with open(task + '/schedstat') as f:
            f = f.read().split()
        return int(f[0]), int(f[1])
    except (OSError, ValueError, IndexError):
        return None


def server_settings(kind):
    """The settings of a benchmark's server, the same for every
    implementation: on PostgreSQL no autovacuum (the programs VACUUM
    ANALYZE at fixed points) and no checkpoint due to time or WAL
    volume during a run, so that neither lands in one program's phase."""
    if kind != 'pg':
        return
    url = os.environ['SCHEMAC_BENCH_PG_URL']
    sets = ['ALTER SYSTEM SET autovacuum = off',
            "ALTER SYSTEM SET checkpoint_timeout = '1h'",
            "ALTER SYSTEM SET max_wal_size = '64GB'",
            'SELECT pg_reload_conf()']
    cmd = ['psql', '-q', '-X', '-o', os.devnull, url]
    for q in sets:
        cmd += ['-c', q]
    subprocess.run(cmd, check=True)


class Program:
    """One implementation running in lock step: its process, the pipe
    that lets it past a clock read, and what it has printed."""

    def __init__(self, name, cmd, env, cpus, server, url):
        self.name, self.server = name, server
        self.wal = url[len('sqlite:'):] + '-wal' \
            if url.startswith('sqlite:') else None
        r, self.go = os.pipe()
        self.err = tempfile.TemporaryFile(mode='w+')
        pre = (lambda: os.sched_setaffinity(0, cpus)) if cpus else None
        self.p = subprocess.Popen(cmd, stdout=subprocess.PIPE,
                                  stderr=self.err, pass_fds=(r,),
                                  env=dict(env, BENCH_SYNC_FD=str(r)),
                                  universal_newlines=True, preexec_fn=pre)
        os.close(r)
        self.cmd, self.alive = cmd, True
        # at each clock read: (client CPU, client's wait for a CPU, the
        # server's snapshot)
        self.clocks = []
        # phase: (rate, wall, client CPU, server CPU, both's wait for a CPU)
        self.phases = {}
        # phase: (Server.state()'s level as it started, its counter's
        # growth during the phase, SQLite: the WAL's frames as it started)
        self.start = self.end = None
        self.states = {}

    def until_clock(self):
        """Reads up to the next clock read (the program then waits) or
        the end; returns whether a phase ended on the way."""
        ended = False
        for line in self.p.stdout:
            f = line.split()
            if f and f[0] == 'clock':
                self.client = float(f[1]) + float(f[2])
                return ended
            if f and f[0] == 'phase':
                wall = float(f[3])
                (c0, w0, s0), (c1, w1, s1) = self.clocks[-2:]
                server, wait = Server.delta(s0, s1)
                wait = (w1 - w0) / 1e9 + (wait or 0)
                self.phases[f[1]] = (int(f[2]) / wall, wall, c1 - c0, server,
                                     wait)
                (l0, c0, w0), (_, c1, _) = self.start, self.end
                self.states[f[1]] = (l0, None if c0 is None else c1 - c0, w0)
                ended = True
        self.finish()
        return ended

    def release(self):
        """Lets the program past its clock read."""
        st = schedstat('/proc/%d' % self.p.pid)
        self.clocks.append((self.client, st[1] if st else 0,
                            self.server.cpu()))
        os.write(self.go, b'g')

    def turn(self):
        """Runs the program alone up to its first clock read after a
        phase: the next phase's start, all the untimed work between
        included.  The server is settled first, and its state noted."""
        self.server.settle(None if self.wal is None
                           else self.wal[:-len('-wal')])
        self.start = self.probe()
        while self.alive:
            self.release()
            if self.until_clock():
                return
            self.end = self.probe()  # at the phase's last clock read

    def probe(self):
        """The server's state(), and on SQLite the frames in the WAL
        that no checkpoint has copied back yet (mxFrame - nBackfill of
        the wal-index, the -shm file: SQLite checkpoints on the commit
        that takes it past 1000 frames)."""
        wal = None
        if self.wal is not None:
            try:
                with open(self.wal[:-len('-wal')] + '-shm', 'rb') as f:
                    head = f.read(100)
                wal = (struct.unpack('=I', head[16:20])[0] -
                       struct.unpack('=I', head[96:100])[0])
            except (OSError, struct.error):
                wal = 0
        return self.server.state() + (wal,)

    def stop(self):
        """Ends a program that is still waiting."""
        if self.alive:
            self.alive = False
            os.close(self.go)
            self.p.kill()
            self.p.wait()

    def finish(self):
        self.alive = False
        os.close(self.go)
        if self.p.wait() != 0:
            self.err.seek(0)
            why = self.err.read()
            if 'not available in this build' in why:
                raise Unavailable(why.strip())
            sys.stderr.write(why)
            sys.exit('run.py: %s failed' % ' '.join(self.cmd))
        self.err.close()


def lockstep(db, args, mode, server):
    """Runs the generated and the hand-written program (and, for the
    noise figure, the hand-written one a second time) in lock step, each
    on a database of its own, args.reps times; returns {name: [{phase:
    (rate, wall, client, server)} per repetition]}.

    The programs stop at every clock read.  Between two phases one
    program at a time runs: its untimed work, then its next phase, then
    stops at the clock read that starts the phase after; then the next
    program does the same.  So the two measures of a phase are seconds
    apart, on the same machine state, and never overlap.  The order
    rotates from phase to phase and repetition to repetition."""
    names = ['gen', 'hand'] + ([] if args.no_noise else ['hand2'])
    out = {n: [] for n in names}
    cpus = args.client_cpus
    for rep in range(-args.warmup, args.reps):
        progs = []
        for k, name in enumerate(names):
            url = db.fresh((k + rep) % len(names))
            impl = 'hand' if name == 'hand2' else name
            cmd = command(impl, args.build, mode, url, args.n, db.ddl)
            progs.append(Program(name, cmd, os.environ, cpus, server, url))
        try:
            for prog in progs:  # every program connected, at its first phase
                prog.until_clock()
            step = 0
            while any(prog.alive for prog in progs):
                k = (rep + step) % len(progs)
                for prog in progs[k:] + progs[:k]:
                    prog.turn()
                step += 1
        except Unavailable:
            for prog in progs:
                prog.stop()
            raise
        for prog in progs:
            if rep >= 0:
                out[prog.name].append(prog.phases)
                out.setdefault(prog.name + ' state', []).append(prog.states)
        print('  %s rep %d done' % (mode, rep + 1), file=sys.stderr)
    return out


def rate_of(rep, phase, field=0):
    v = rep.get(phase)
    return None if v is None or v[field] is None else v[field]


def cpu_of(rep, phase):
    """The CPU time of a phase, client and server."""
    v = rep.get(phase)
    return None if v is None else v[2] + (v[3] or 0)


def pair_ratios(a, b, pa, pb, cpu=False):
    """Per repetition: a's phase pa over b's phase pb, both rates (or,
    with cpu, rows per CPU second: b's CPU time over a's)."""
    out = []
    for ra, rb in zip(a, b):
        if cpu:
            y, x = cpu_of(ra, pa), cpu_of(rb, pb)
        else:
            x, y = rate_of(ra, pa), rate_of(rb, pb)
        if x and y:
            out.append(x / y)
    return out


def spread(xs):
    return '%.2f-%.2f' % (min(xs), max(xs)) if xs else 'n/a'


def med(xs):
    return statistics.median(xs) if xs else None


def verdict(ratios, noise):
    """Whether a phase's ratios gen/hand reach 0.95: "pass" when their
    median does, "below" when not, with "(noise)" when the median is
    no farther from 0.95 than the hand-written program's largest
    distance from itself in the same runs (then one more run could
    turn the verdict), and "*" when the ratios' min-max is no wider
    than that of hand/hand (gen and hand differ no more than hand and
    hand)."""
    if not ratios:
        return 'n/a'
    m = med(ratios)
    out = 'pass' if m >= 0.95 else 'below'
    if noise:
        if abs(m - 0.95) <= max(abs(x - 1) for x in noise):
            out += ' (noise)'
        if max(ratios) - min(ratios) <= max(noise) - min(noise):
            out += ' *'
    return out


def print_lockstep(title, runs, sa, args):
    reps = len(runs['gen'])
    noise = 'hand2' in runs
    verdicts = {}
    print('\n%s, N = %d, %d runs in lock step%s' %
          (title, args.n, reps, ' (SQLAlchemy: %d, alone)' %
           min(args.sa_reps, args.reps) if sa else ''))
    print('rows per second; count phases: queries per second; gen/hand: '
          'median of the runs\' ratios, each of a generated and a '
          'hand-written phase run seconds apart, min-max beside it%s; '
          'CPU: the same ratios of rows per CPU second, client and '
          'server\n' %
          ('; hand/hand: the same for the hand-written program against '
           'itself, the noise' if noise else ''))
    head = ['phase', 'generated', 'hand-written']
    head += ['SQLAlchemy'] if sa else []
    head += ['gen/hand', 'min-max']
    head += ['hand/hand'] if noise else []
    head += ['CPU gen/hand', 'min-max']
    head += ['CPU hand/hand'] if noise else []
    head += ['gen/SA'] if sa else []
    head += ['verdict', 'CPU verdict']
    print('| ' + ' | '.join(head) + ' |')
    print('|' + '---|' * len(head))
    rows = [(p, p) for p in PHASES
            if any(p in r for rs in runs.values() for r in rs)
            or (sa and sa.get(p))]
    rows += [(p, q) for p, q in PIPED.items()
             if any(q in r for r in runs['hand'])]
    worst, worst_cpu = [], []
    for p, q in rows:
        g = [rate_of(r, p) for r in runs['gen'] if p in r]
        h = [rate_of(r, q) for r in runs['hand'] if q in r]
        label = p if p == q else '%s, hand-written pipelined' % p
        cells = [label, fmt_rate(g), fmt_rate(h)]
        s = sa.get(p, []) if sa else []
        cells += [fmt_rate(s)] if sa else []
        gh = pair_ratios(runs['gen'], runs['hand'], p, q)
        cells += ['%.2f' % med(gh) if gh else 'n/a', spread(gh)]
        hh = []
        if noise:
            hh = pair_ratios(runs['hand2'], runs['hand'], q, q)
            worst += [abs(x - 1) for x in hh]
            cells += [spread(hh)]
        v = [verdict(gh, hh)]
        gh = pair_ratios(runs['gen'], runs['hand'], p, q, True)
        cells += ['%.2f' % med(gh) if gh else 'n/a', spread(gh)]
        if noise:
            hh = pair_ratios(runs['hand2'], runs['hand'], q, q, True)
            worst_cpu += [abs(x - 1) for x in hh]
            cells += [spread(hh)]
        v.append(verdict(gh, hh))
        cells += [ratio(g, s) if s else 'n/a'] if sa else []
        cells += v
        verdicts[label] = v[0]
        print('| ' + ' | '.join(cells) + ' |')
    if worst:
        print('\nnoise: the hand-written program against itself differs '
              'by %.0f%% in the median run, %.0f%% at most; in CPU time '
              'by %.0f%%, %.0f%% at most' %
              (100 * statistics.median(worst), 100 * max(worst),
               100 * statistics.median(worst_cpu), 100 * max(worst_cpu)))
    print_verdicts(verdicts, noise)
    print('\nwhere the time went, ms (medians): wall clock / client CPU / '
          'server CPU / client and server waiting for a CPU\n')
    print('| phase | generated | hand-written |')
    print('|---|---|---|')
    for p, q in rows:
        cells = [p if p == q else q]
        for name, ph in (('gen', p), ('hand', q)):
            if name == 'gen' and p != q:
                cells.append('')
                continue
            parts = []
            for field in (1, 2, 3, 4):
                xs = [rate_of(r, ph, field) for r in runs[name]]
                xs = [x for x in xs if x is not None]
                parts.append('%.0f' % (1000 * med(xs)) if xs else '-')
            cells.append(' / '.join(parts))
        print('| ' + ' | '.join(cells) + ' |')


def print_verdicts(verdicts, noise):
    """One line: the phases at least 0.95 of hand-written beyond the
    noise, those below it beyond the noise, and those the noise leaves
    undecided."""
    def of(pick):
        ps = [p for p, v in verdicts.items() if pick(v)]
        return '%d (%s)' % (len(ps), '; '.join(ps)) if ps else '0'
    print('\nverdict (wall clock): a phase passes when its median gen/hand '
          'is at least 0.95; "(noise)" when the median is within the '
          'largest hand/hand distance from 1 of 0.95, "*" when the '
          'gen/hand min-max is no wider than the hand/hand one')
    if not noise:
        print('passing: %s; below: %s' % (of(lambda v: v == 'pass'),
                                          of(lambda v: v == 'below')))
        return
    print('passing beyond the noise: %s; below beyond the noise: %s; '
          'within the noise: %s' %
          (of(lambda v: v.startswith('pass') and 'noise' not in v),
           of(lambda v: v.startswith('below') and 'noise' not in v),
           of(lambda v: 'noise' in v)))


def print_states(title, runs, kind, settled):
    """The state each phase started in, medians over the runs."""
    what = {'mariadb': 'InnoDB history list length as it started / '
                       'records purged during the phase',
            'pg': 'dirty shared buffers as it started / buffers written '
                  'by the background writer and the checkpointer during '
                  'the phase',
            'sqlite': "the machine's dirty and writeback kB / the "
                      "frames in the program's WAL not yet checkpointed, "
                      "as it started"}[kind]
    names = [n for n in ('gen', 'hand', 'hand2') if n + ' state' in runs]
    how = {'mariadb': 'InnoDB\'s purge waited for',
           'pg': 'a CHECKPOINT run',
           'sqlite': 'the program\'s WAL checkpointed, sync() called'}[kind]
    print('\n%s: the server\'s state (%s), medians; before each phase %s' %
          (title, what, how + ' and the server let go idle' if settled else
           'the server was only let go idle (--no-settle)'))
    print('\n| phase | ' + ' | '.join(TITLES.get(n, 'hand-written again')
                                      for n in names) + ' |')
    print('|---|' + '---|' * len(names))
    phases = []
    for st in runs[names[-1] + ' state'] + runs['gen state']:
        phases += [p for p in st if p not in phases]
    for p in phases:
        cells = [p]
        for n in names:
            parts = []
            for k in (0, 1, 2):
                xs = [st[p][k] for st in runs[n + ' state']
                      if p in st and st[p][k] is not None]
                if xs:
                    parts.append('%.0f' % med(xs))
            cells.append(' / '.join(parts) or '-')
        print('| ' + ' | '.join(cells) + ' |')


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
    server = Server(kind, not args.no_settle)
    if args.pin:
        server.pin(args.server_cpus)
    if not args.server_defaults:
        server_settings(kind)
    with tempfile.TemporaryDirectory(prefix='schemac-bench.') as tmp:
        db = Database(kind, args.build, tmp)
        if args.rotated:
            rates, missing = workload(db, args, impls)
            if args.tx:
                tx_impls = [i for i in impls if i != 'sa']
                tx_rates, _ = workload(db, args, tx_impls, 'runtx')
        else:
            sa = {}
            missing = {}
            if 'sa' in impls:
                sa, missing = workload(db, args, ['sa'])
                sa = sa['sa']
            try:
                runs = lockstep(db, args, 'run', server)
                if args.tx:
                    tx_runs = lockstep(db, args, 'runtx', server)
            except Unavailable as e:
                print('\n%s: the C implementations did not run: %s' %
                      (title, e))
                return
        mem = memory(db, args, [i for i in impls if i not in missing],
                     missing)
    if args.rotated:
        print_rates(title, rates, impls, args)
        if args.tx:
            print_rates(title + ', each phase in one transaction', tx_rates,
                        tx_impls, args)
    else:
        print_lockstep(title, runs, sa if 'sa' not in missing else None,
                       args)
        print_states(title, runs, kind, not args.no_settle)
        if args.tx:
            print_lockstep(title + ', each phase in one transaction',
                           tx_runs, None, args)
            print_states(title + ', each phase in one transaction',
                         tx_runs, kind, not args.no_settle)
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
    ap.add_argument('--rotated', action='store_true',
                    help='each program alone, in rotated order, medians '
                    'of each; not in lock step')
    ap.add_argument('--no-noise', action='store_true',
                    help='no second hand-written program in the lock step')
    ap.add_argument('--pin', action='store_true',
                    help='the programs on the first CPU, the server on '
                    'the others')
    ap.add_argument('--warmup', type=int, default=0,
                    help='lock-step runs made first and not counted')
    ap.add_argument('--no-settle', action='store_true',
                    help='before each phase only wait for an idle server: '
                    'no purge wait, CHECKPOINT or sync()')
    ap.add_argument('--server-defaults', action='store_true',
                    help='keep the server\'s autovacuum and checkpoints')
    args = ap.parse_args()
    args.build = os.path.abspath(args.build)
    cpus = sorted(os.sched_getaffinity(0))
    args.client_cpus = {cpus[0]} if args.pin else None
    args.server_cpus = set(cpus[1:] or cpus)
    impls = ['gen', 'hand']
    version = None if args.no_sa else sa_available()
    if version:
        impls.append('sa')
    print('machine: ' + machine())
    print('load average before: %.2f %.2f %.2f' % os.getloadavg())
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
    print('\nload average after: %.2f %.2f %.2f' % os.getloadavg())


if __name__ == '__main__':
    main()
