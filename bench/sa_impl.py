#!/usr/bin/python3
"""sa_impl.py - the benchmark workload in SQLAlchemy ORM 1.4, the tool
schemac descends from, written the way its documentation and the talk
write it: mapped classes, a Session, add/flush/commit, Query with like,
join and count, yield_per for streaming.  It maps the tables the generated
code creates (the DDL comes from `schemac sql`), with the same PRAGMAs on
SQLite, and checks every phase as gen_impl.c does.

    sa_impl.py run URL N DDL    the whole workload
    sa_impl.py stream URL N     the streaming phase alone, with its peak
                                memory

URL is sqlite:PATH, postgresql://... or mariadb://USER:PASSWORD@HOST:PORT/DB
(through MySQLdb, python3-mysqldb).  The data are those of common.c,
computed with the same arithmetic.  Output: see common.h.
"""
import datetime
import decimal
import sys
import time

from sqlalchemy import (BigInteger, Column, DateTime, ForeignKey, Integer,
                        Numeric, String, create_engine, event)
from sqlalchemy.orm import Session, declarative_base

M64 = (1 << 64) - 1
GOLDEN = 0x9e3779b97f4a7c15
PROGRAMS = 100
QUERIES = 1000
JOINED_AT = 1700000000000000
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
NAIVE_EPOCH = datetime.datetime(1970, 1, 1)
US = datetime.timedelta(microseconds=1)


def mix(x):
    x = (x + GOLDEN) & M64
    x = ((x ^ (x >> 30)) * 0xbf58476d1ce4e5b9) & M64
    x = ((x ^ (x >> 27)) * 0x94d049bb133111eb) & M64
    return x ^ (x >> 31)


class Rng:
    def __init__(self, seed):
        self.state = seed

    def next(self):
        self.state = (self.state + GOLDEN) & M64
        return mix(self.state)


def letter(x):
    return chr(ord('a') + x % 26)


class Data:
    """The users, queries and expected answers of common.c."""

    def __init__(self, n):
        self.n = n
        self.names = []
        for i in range(n):
            h = mix(i)
            self.names.append(letter(h) + letter(h // 26) +
                              letter(h // 676) + '_%d' % i)
        self.emails = ['user%d@example.org' % i for i in range(n)]
        self.new_emails = ['u%d@example.net' % i for i in range(n)]
        self.get_order = self._order()
        self._queries()

    def _order(self):
        rng, order = Rng(42), list(range(self.n))
        for i in range(self.n, 1, -1):
            j = rng.next() % i
            order[i - 1], order[j] = order[j], order[i - 1]
        return order

    def _queries(self):
        r1, r2 = Rng(7), Rng(9)
        self.prefixes, self.join_programs = [], []
        for _ in range(QUERIES):
            r = r1.next()
            self.prefixes.append(letter(r) + letter(r // 26) + '%')
            self.join_programs.append(r2.next() % PROGRAMS)
        pairs = {}
        for name in self.names:
            pairs[name[:2]] = pairs.get(name[:2], 0) + 1
        self.prefix_counts = [pairs.get(p[:2], 0) for p in self.prefixes]
        self.program_counts = [0] * PROGRAMS
        for i in range(self.n):
            for p in enrollments(i):
                self.program_counts[p] += 1


def karma(i):
    return i % 100000 if i % 2 == 0 else None


def joined_at(i):
    return JOINED_AT + i * 1000000


def enrollments(i):
    p1 = i % PROGRAMS
    return p1, (p1 + 1 + i // PROGRAMS % (PROGRAMS - 1)) % PROGRAMS


def row_sum(uid, name, email, k, joined):
    h = uid * 31 + joined * 13 + (7 if k is None else k) * 17
    h += len(name) * 7 + len(email) * 5
    h += ord(name[-1]) * 11 + ord(email[0]) * 3
    return h


def expected_sum(d, ids):
    return sum(row_sum(ids[i], d.names[i], d.new_emails[i], karma(i),
                       joined_at(i)) for i in range(d.n)) & M64


def fail(what, msg):
    sys.stderr.write('bench: %s: %s\n' % (what, msg))
    sys.exit(1)


def report(phase, rows, seconds):
    print('phase %s %d %.6f' % (phase, rows, seconds), flush=True)


# ---------------------------------------------------------------------
# The model.  The column types follow each database's DDL: on SQLite
# karma is an INTEGER scaled by 100 and joined_at INTEGER microseconds,
# as schemac stores them; on PostgreSQL numeric(10,2) and timestamptz; on
# MariaDB DECIMAL(10,2) and DATETIME(6) in UTC, read and written naive.
# ---------------------------------------------------------------------

def make_model(kind):
    base = declarative_base()
    karma_type = Integer if kind == 'sqlite' else Numeric(10, 2)
    time_type = {'sqlite': BigInteger, 'pg': DateTime(timezone=True),
                 'mariadb': DateTime()}[kind]

    class User(base):
        __tablename__ = 'users'
        user_id = Column(BigInteger, primary_key=True)
        user_name = Column(String(32), nullable=False, unique=True)
        user_email = Column(String(64), nullable=False, unique=True)
        karma = Column(karma_type)
        joined_at = Column(time_type, nullable=False)

    class Program(base):
        __tablename__ = 'programs'
        program_id = Column(BigInteger, primary_key=True)
        program_name = Column(String(128), nullable=False, unique=True)
        level = Column(String, nullable=False)

    class ProgramEnrollment(base):
        __tablename__ = 'program_enrollments'
        program_enrollment_id = Column(BigInteger, primary_key=True)
        program_id = Column(BigInteger, ForeignKey('programs.program_id'),
                            nullable=False)
        user_id = Column(BigInteger, ForeignKey('users.user_id'),
                         nullable=False)

    return User, Program, ProgramEnrollment


class Bench:
    def __init__(self, url, n):
        self.pg = url.startswith('postgresql')
        self.kind = 'pg' if self.pg else (
            'mariadb' if url.startswith('mariadb://') else 'sqlite')
        self.typed = self.kind != 'sqlite'
        if self.pg:
            self.engine = create_engine(url)
        elif self.kind == 'mariadb':
            self.engine = create_engine(
                'mysql+mysqldb://' + url[len('mariadb://'):] +
                '?charset=utf8mb4', connect_args={'init_command':
                "SET time_zone = '+00:00', sql_mode = 'ANSI_QUOTES,"
                "STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ENGINE_SUBSTITUTION'"})
        else:
            self.engine = create_engine('sqlite:///' + url[len('sqlite:'):])
            event.listen(self.engine, 'connect', sqlite_pragmas)
        self.User, self.Program, self.Enrollment = make_model(self.kind)
        self.d = Data(n)

    # Values between Python and each database's column types.
    def to_karma(self, k):
        if k is None or not self.typed:
            return k
        return decimal.Decimal(k).scaleb(-2)

    def from_karma(self, k):
        if k is None or not self.typed:
            return k
        return int(k * 100)

    def to_time(self, us):
        if self.kind == 'mariadb':
            return NAIVE_EPOCH + us * US
        return EPOCH + us * US if self.pg else us

    def from_time(self, t):
        if self.kind == 'mariadb':
            return (t - NAIVE_EPOCH) // US
        return (t - EPOCH) // US if self.pg else t

    def user(self, i, email):
        return self.User(user_name=self.d.names[i], user_email=email,
                         karma=self.to_karma(karma(i)),
                         joined_at=self.to_time(joined_at(i)))

    def create(self, ddl_path):
        with open(ddl_path) as f:
            ddl = f.read()
        if self.pg:
            with self.engine.begin() as c:
                c.exec_driver_sql(ddl)
        elif self.kind == 'mariadb':  # one statement at a time
            with self.engine.begin() as c:
                for stmt in ddl.split(';\n'):
                    if stmt.strip() and not all(
                            line.startswith('--') or not line.strip()
                            for line in stmt.splitlines()):
                        c.exec_driver_sql(stmt)
        else:
            raw = self.engine.raw_connection()
            raw.executescript(ddl)
            raw.close()

    def maintain(self):
        sql = {'pg': 'VACUUM ANALYZE', 'sqlite': 'ANALYZE',
               'mariadb': 'ANALYZE TABLE users, programs, '
                          'program_enrollments'}[self.kind]
        with self.engine.connect().execution_options(
                isolation_level='AUTOCOMMIT') as c:
            c.exec_driver_sql(sql)

    def count_users(self):
        with Session(self.engine) as s:
            return s.query(self.User).count()

    # -----------------------------------------------------------------
    # The phases.
    # -----------------------------------------------------------------

    def phase_insert(self):
        d, last = self.d, 0
        t0 = time.perf_counter()
        with Session(self.engine) as s:
            for i in range(d.n):
                u = self.user(i, d.emails[i])
                s.add(u)
                s.flush()
                if u.user_id <= last:
                    fail('insert', 'keys do not increase')
                last = u.user_id
            s.commit()
        report('insert', d.n, time.perf_counter() - t0)

    def reset(self):
        with Session(self.engine) as s:
            if s.query(self.User).delete() != self.d.n:
                fail('reset', 'not every user was deleted')
            s.commit()
        self.maintain()

    def phase_insert_many(self, s):
        d = self.d
        users = [self.user(i, d.emails[i]) for i in range(d.n)]
        t0 = time.perf_counter()
        s.add_all(users)
        s.commit()
        report('insert_many', d.n, time.perf_counter() - t0)
        ids = [u.user_id for u in users]
        if any(ids[i] <= ids[i - 1] for i in range(1, d.n)):
            fail('insert_many', 'keys do not increase')
        return users, ids

    def enroll(self, ids):
        levels = ['beginner', 'intermediate', 'advanced']
        with Session(self.engine) as s:
            s.add_all([self.Program(program_name='program %d' % i,
                                    level=levels[i % 3])
                       for i in range(PROGRAMS)])
            s.flush()
            s.bulk_insert_mappings(self.Enrollment, [
                {'program_id': p + 1, 'user_id': ids[i]}
                for i in range(self.d.n) for p in enrollments(i)])
            s.commit()
        self.maintain()

    def check_user(self, u, i):
        d = self.d
        if (u.user_name != d.names[i] or u.user_email != d.emails[i] or
                self.from_karma(u.karma) != karma(i) or
                self.from_time(u.joined_at) != joined_at(i)):
            fail('get', 'a user read back differs')

    def phase_get(self, ids):
        d = self.d
        t0 = time.perf_counter()
        with Session(self.engine) as s:
            for i in d.get_order:
                u = s.get(self.User, ids[i])
                if u is None:
                    fail('get', 'no such user')
                self.check_user(u, i)
        report('get', d.n, time.perf_counter() - t0)

    def phase_update(self, s, users):
        d = self.d
        t0 = time.perf_counter()
        for i, u in enumerate(users):
            u.user_email = d.new_emails[i]
        s.commit()
        report('update', d.n, time.perf_counter() - t0)
        self.maintain()

    def phase_like(self):
        d, User = self.d, self.User
        t0 = time.perf_counter()
        with Session(self.engine) as s:
            for k in range(QUERIES):
                n = s.query(User).filter(
                    User.user_name.like(d.prefixes[k])).count()
                if n != d.prefix_counts[k]:
                    fail('count like', 'wrong count')
        report('count_like', QUERIES, time.perf_counter() - t0)

    def stream(self, ids):
        total = n = 0
        t0 = time.perf_counter()
        with Session(self.engine) as s:
            for u in s.query(self.User).yield_per(1000):
                total += row_sum(u.user_id, u.user_name, u.user_email,
                                 self.from_karma(u.karma),
                                 self.from_time(u.joined_at))
                n += 1
        report('stream', self.d.n, time.perf_counter() - t0)
        if n != self.d.n or total & M64 != expected_sum(self.d, ids):
            fail('stream', 'the rows streamed differ')

    def phase_join(self):
        d, User, E = self.d, self.User, self.Enrollment
        t0 = time.perf_counter()
        with Session(self.engine) as s:
            for k in range(QUERIES):
                p = d.join_programs[k]
                n = s.query(User).join(E).filter(
                    E.program_id == p + 1).count()
                if n != d.program_counts[p]:
                    fail('count join', 'wrong count')
        report('count_join', QUERIES, time.perf_counter() - t0)

    def phase_delete(self, s, users):
        t0 = time.perf_counter()
        for u in users:
            s.delete(u)
        s.commit()
        report('delete', self.d.n, time.perf_counter() - t0)
        if self.count_users() != 0:
            fail('delete', 'users are left')

    def run(self, ddl_path):
        self.create(ddl_path)
        self.phase_insert()
        self.reset()
        with Session(self.engine, expire_on_commit=False) as s:
            users, ids = self.phase_insert_many(s)
            self.enroll(ids)
            self.phase_get(ids)
            self.phase_update(s, users)
            self.phase_like()
            self.stream(ids)
            self.phase_join()
            self.phase_delete(s, users)

    def stream_only(self):
        self.count_users()
        before = mem_start()
        self.stream(list(range(1, self.d.n + 1)))
        print('mem %d %d' % (before, status_kb('VmHWM:')), flush=True)


def sqlite_pragmas(dbapi_conn, record):
    c = dbapi_conn.cursor()
    for p in ('foreign_keys = ON', 'case_sensitive_like = ON',
              'journal_mode = WAL'):
        c.execute('PRAGMA ' + p)
    c.close()


def status_kb(field):
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith(field):
                return int(line.split()[1])
    return -1


def mem_start():
    """The resident set now, and the peak (VmHWM) reset to it."""
    rss = status_kb('VmRSS:')
    with open('/proc/self/clear_refs', 'w') as f:
        f.write('5')
    return rss


def main(argv):
    if len(argv) < 4 or argv[1] not in ('run', 'stream') or \
            len(argv) != (5 if argv[1] == 'run' else 4):
        sys.stderr.write('usage: sa_impl.py run URL N DDL | '
                         'stream URL N\n')
        return 2
    b = Bench(argv[2], int(argv[3]))
    if argv[1] == 'run':
        b.run(argv[4])
    else:
        b.stream_only()
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
