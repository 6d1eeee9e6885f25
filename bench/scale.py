#!/usr/bin/python3
"""scale.py - the generator at scale: times `schemac generate` and
`schemac sql` on a synthetic schema of 1000 tables of 12 columns
(gen_schema.py), and `schemac migrate diff` against the same schema with
100 changed tables; reports each command's peak memory, the instructions
it executes, and the compile time of the generated C per table.

    scale.py --build DIR [--schemac PATH] [--tables 1000] [--runs 5]
             [--compile-tables 100] [--no-instructions]

Times are the minimum over --runs runs, of the wall clock and of the CPU
time (user + system); on a shared machine the minimum is the figure
least disturbed by others.  Peak memory is the child's ru_maxrss from
wait4().  Instructions are counted once per command, by `perf stat -e
instructions` where the kernel allows it and otherwise by valgrind's
callgrind (slower, user space only); they do not depend on the load.
gcc -O2 on the code of 1000 tables takes minutes, so the compile time per
table is measured on a schema of --compile-tables tables (0: the full
schema) and divided by their count, as wall and as CPU time (the CPU
time is the one a loaded machine disturbs least).  --schemac runs
another build of the compiler (an older one, for a comparison) on the
same inputs.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def timed(cmd, stdout=subprocess.DEVNULL):
    """Wall seconds, CPU seconds and peak resident kB of one run of cmd."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(p.pid, 0)
    seconds = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    err = p.stderr.read().decode()
    p.stderr.close()
    if p.returncode != 0:
        raise RuntimeError('%s: exit %d: %s' % (' '.join(cmd), p.returncode,
                                                err.strip()))
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def best(results):
    """Minimum wall, minimum CPU and largest peak of several runs."""
    return (min(r[0] for r in results), min(r[1] for r in results),
            max(r[2] for r in results))


def measure(cmd, runs):
    return best([timed(cmd) for _ in range(runs)])


def counter():
    """How instructions can be counted here: 'perf', 'callgrind' or None."""
    if shutil.which('perf'):
        r = subprocess.run(['perf', 'stat', '-x,', '-e', 'instructions',
                            'true'], stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, text=True)
        if r.returncode == 0 and re.match(r'\d+,', r.stderr.strip()):
            return 'perf'
    if shutil.which('valgrind'):
        return 'callgrind'
    return None


def instructions(how, cmd, tmp):
    """Instructions one run of cmd executes, or None."""
    if how == 'perf':
        r = subprocess.run(['perf', 'stat', '-x,', '-e', 'instructions',
                            '--'] + cmd, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, text=True, check=True)
        for line in r.stderr.splitlines():
            m = re.match(r'(\d+),', line)
            if m and 'instructions' in line:
                return int(m.group(1))
        return None
    if how == 'callgrind':
        out = os.path.join(tmp, 'callgrind.out')
        r = subprocess.run(['valgrind', '--tool=callgrind',
                            '--callgrind-out-file=' + out] + cmd,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           text=True, check=True)
        os.unlink(out)
        m = re.search(r'Collected : (\d+)', r.stderr)
        return int(m.group(1)) if m else None
    return None


def write_schema(path, tables, changed=0):
    """gen_schema.py's schema of `tables` tables, `changed` of them
    altered, into path."""
    with open(path, 'w') as f:
        subprocess.run([sys.executable, os.path.join(HERE, 'gen_schema.py'),
                        '--tables', str(tables), '--changed', str(changed)],
                       stdout=f, check=True)


def row(what, measured, count, note=''):
    wall, cpu, kb = measured
    print('| %s | %.1f | %.1f | %.1f | %s | %s |' %
          (what, wall * 1000, cpu * 1000, kb / 1024,
           '%.0f M' % (count / 1e6) if count else 'n/a', note))


def generate(schemac, tmp, big, runs, how):
    """Times generate into a new directory (the files are written, and
    synced to disk) and again over its own output (read and compared,
    not written)."""
    times = []
    for k in range(runs):
        out = os.path.join(tmp, 'out%d' % k)
        times.append(timed([schemac, 'generate', big, '-o', out]))
        if k > 0:
            shutil.rmtree(out)
    out = os.path.join(tmp, 'out0')
    size = sum(os.path.getsize(os.path.join(out, f)) for f in os.listdir(out))
    cmd = [schemac, 'generate', big, '-o', out]
    row('generate, new files', best(times), instructions(how, cmd, tmp),
        '%.1f MB of C' % (size / 1e6))
    row('generate, files unchanged', measure(cmd, runs),
        instructions(how, cmd, tmp))


def migrate_diff(schemac, tmp, big, changed, runs, how):
    """Times migrate diff, or says why it cannot."""
    probe = subprocess.run([schemac, 'help', 'migrate'],
                           stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    if probe.returncode != 0:
        print('| migrate diff | n/a | n/a | n/a | n/a | `schemac migrate` '
              'does not exist yet |')
        return
    times = []
    count = None
    for k in range(runs + (1 if how else 0)):
        # A fresh directory holding only the first migration each run.
        mig = os.path.join(tmp, 'migrations%d' % k)
        subprocess.run([schemac, 'migrate', 'init', big, '--dir', mig],
                       check=True, stdout=subprocess.DEVNULL)
        cmd = [schemac, 'migrate', 'diff', changed, '--dir', mig,
               '--name', 'change']
        if k == runs:
            count = instructions(how, cmd, tmp)
        else:
            times.append(timed(cmd))
        shutil.rmtree(mig)
    row('migrate diff (%d changed tables)' % changed_count(changed),
        best(times), count)


def changed_count(path):
    """The number of tables gen_schema.py changed: each gets an index on
    (kind, seen_at)."""
    with open(path) as f:
        return f.read().count('index (kind, seen_at);')


def compile_per_table(schemac, tmp, tables, runtime_inc):
    schema = os.path.join(tmp, 'small.schema')
    write_schema(schema, tables)
    out = os.path.join(tmp, 'small')
    subprocess.run([schemac, 'generate', schema, '-o', out], check=True)
    src = os.path.join(out, 'big_db.c')
    seconds, cpu, kb = timed(['gcc', '-O2', '-c', '-I', runtime_inc, src,
                              '-o', os.path.join(tmp, 'big_db.o')])
    size = os.path.getsize(src) + os.path.getsize(os.path.join(out,
                                                               'big_db.h'))
    print('\ngcc -O2 -c on the generated code of %d tables: %.1f s, '
          '%.0f ms per table (CPU %.0f ms; peak %.0f MiB); %.1f kB of C per '
          'table' % (tables, seconds, seconds * 1000 / tables,
                     cpu * 1000 / tables, kb / 1024, size / 1024 / tables))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--build', required=True)
    ap.add_argument('--schemac', help='the compiler to run (default: the '
                    "build's generator/schemac)")
    ap.add_argument('--no-instructions', action='store_true',
                    help='do not count instructions (saves the slow '
                    'valgrind runs where perf cannot count)')
    ap.add_argument('--tables', type=int, default=1000)
    ap.add_argument('--runs', type=int, default=5)
    ap.add_argument('--compile-tables', type=int, default=100)
    args = ap.parse_args()
    build = os.path.abspath(args.build)
    schemac = os.path.abspath(args.schemac) if args.schemac else \
        os.path.join(build, 'generator', 'schemac')
    how = None if args.no_instructions else counter()
    runtime_inc = os.path.join(HERE, '..', 'runtime')
    with tempfile.TemporaryDirectory(prefix='schemac-scale.') as tmp:
        big = os.path.join(tmp, 'big.schema')
        changed = os.path.join(tmp, 'changed.schema')
        write_schema(big, args.tables)
        write_schema(changed, args.tables, args.tables // 10)
        print('\nThe generator at scale: %d tables of 12 columns, minimum '
              'of %d runs; instructions by %s\n' %
              (args.tables, args.runs, how or 'nothing'))
        print('| command | wall ms | CPU ms | peak MiB | instructions | '
              'note |')
        print('|---|---|---|---|---|---|')
        generate(schemac, tmp, big, args.runs, how)
        for dialect in ('sqlite', 'postgresql'):
            cmd = [schemac, 'sql', big, '--dialect', dialect]
            row('sql --dialect ' + dialect, measure(cmd, args.runs),
                instructions(how, cmd, tmp))
        migrate_diff(schemac, tmp, big, changed, args.runs, how)
        compile_per_table(schemac, tmp, args.compile_tables or args.tables,
                          runtime_inc)


if __name__ == '__main__':
    main()
