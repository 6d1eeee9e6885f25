#!/usr/bin/python3
"""scale.py - the generator at scale: times `schemac generate` and
`schemac sql` on a synthetic schema of 1000 tables of 12 columns
(gen_schema.py), and `schemac migrate diff` against the same schema with
100 changed tables once that command exists; reports each command's
peak memory, and the compile time of the generated C per table.

    scale.py --build DIR [--tables 1000] [--runs 5] [--compile-tables 100]

Times are wall-clock medians of --runs runs; peak memory is the child's
ru_maxrss from wait4().  gcc -O2 on the code of 1000 tables takes
minutes, so the compile time per table is measured on a schema of
--compile-tables tables (0: the full schema) and divided by their count.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def timed(cmd, stdout=subprocess.DEVNULL):
    """Wall seconds and peak resident kB of one run of cmd."""
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
    return seconds, usage.ru_maxrss


def measure(cmd, runs):
    results = [timed(cmd) for _ in range(runs)]
    return (statistics.median(r[0] for r in results),
            max(r[1] for r in results))


def write_schema(path, tables, changed=0):
    with open(path, 'w') as f:
        subprocess.run([sys.executable, os.path.join(HERE, 'gen_schema.py'),
                        '--tables', str(tables), '--changed', str(changed)],
                       stdout=f, check=True)


def row(what, seconds, kb, note=''):
    print('| %s | %.1f | %.1f | %s |' % (what, seconds * 1000, kb / 1024,
                                         note))


def migrate_diff(schemac, tmp, big, changed, runs):
    """Times migrate diff, or says why it cannot."""
    probe = subprocess.run([schemac, 'help', 'migrate'],
                           stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    if probe.returncode != 0:
        print('| migrate diff | n/a | n/a | `schemac migrate` does not '
              'exist yet |')
        return
    times = []
    for k in range(runs):
        # A fresh directory holding only the first migration each run.
        mig = os.path.join(tmp, 'migrations%d' % k)
        subprocess.run([schemac, 'migrate', 'init', big, '--dir', mig],
                       check=True, stdout=subprocess.DEVNULL)
        cmd = [schemac, 'migrate', 'diff', changed, '--dir', mig,
               '--name', 'change']
        times.append(timed(cmd))
    row('migrate diff (100 changed tables)',
        statistics.median(t[0] for t in times), max(t[1] for t in times))


def compile_per_table(schemac, tmp, tables, runtime_inc):
    schema = os.path.join(tmp, 'small.schema')
    write_schema(schema, tables)
    out = os.path.join(tmp, 'small')
    subprocess.run([schemac, 'generate', schema, '-o', out], check=True)
    src = os.path.join(out, 'big_db.c')
    seconds, kb = timed(['gcc', '-O2', '-c', '-I', runtime_inc, src, '-o',
                         os.path.join(tmp, 'big_db.o')])
    size = os.path.getsize(src) + os.path.getsize(os.path.join(out,
                                                               'big_db.h'))
    print('\ngcc -O2 -c on the generated code of %d tables: %.1f s, '
          '%.0f ms per table (peak %.0f MiB); %.1f kB of C per table' %
          (tables, seconds, seconds * 1000 / tables, kb / 1024,
           size / 1024 / tables))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--build', required=True)
    ap.add_argument('--tables', type=int, default=1000)
    ap.add_argument('--runs', type=int, default=5)
    ap.add_argument('--compile-tables', type=int, default=100)
    args = ap.parse_args()
    build = os.path.abspath(args.build)
    schemac = os.path.join(build, 'generator', 'schemac')
    runtime_inc = os.path.join(HERE, '..', 'runtime')
    with tempfile.TemporaryDirectory(prefix='schemac-scale.') as tmp:
        big = os.path.join(tmp, 'big.schema')
        changed = os.path.join(tmp, 'changed.schema')
        write_schema(big, args.tables)
        write_schema(changed, args.tables, args.tables // 10)
        print('\nThe generator at scale: %d tables of 12 columns, median of '
              '%d runs\n' % (args.tables, args.runs))
        print('| command | ms | peak MiB | note |')
        print('|---|---|---|---|')
        out = os.path.join(tmp, 'out')
        row('generate', *measure([schemac, 'generate', big, '-o', out],
                                 args.runs))
        for dialect in ('sqlite', 'postgresql'):
            row('sql --dialect ' + dialect,
                *measure([schemac, 'sql', big, '--dialect', dialect],
                         args.runs))
        migrate_diff(schemac, tmp, big, changed, args.runs)
        compile_per_table(schemac, tmp, args.compile_tables or args.tables,
                          runtime_inc)


if __name__ == '__main__':
    main()
