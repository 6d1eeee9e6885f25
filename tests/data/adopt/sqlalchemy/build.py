"""build.py - SQLAlchemy's metadata.create_all of a small model, and rows
written through a session.

    python3 build.py sqlite FILE
    python3 build.py postgresql URL
    python3 build.py mariadb URL

The model: users and posts as declarative classes (naive DateTime,
Numeric(10, 2), Boolean, Date, Float, an Enum, a foreign key with ON
DELETE CASCADE, a named index over two columns) with the GUID type of
SQLAlchemy's documentation (CHAR(32) of hex digits on SQLite, uuid on
PostgreSQL), and post_views, a Table without a primary key.
"""
import datetime
import decimal
import enum
import sys
import uuid
import warnings

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session, declarative_base, relationship
from sqlalchemy.types import CHAR, TypeDecorator


class GUID(TypeDecorator):
    """uuid on PostgreSQL, else CHAR(32) holding 32 hex digits."""
    impl = CHAR
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "postgresql":
            return dialect.type_descriptor(postgresql.UUID())
        return dialect.type_descriptor(CHAR(32))

    def process_bind_param(self, value, dialect):
        if value is None or dialect.name == "postgresql":
            return None if value is None else str(value)
        return "%.32x" % value.int

    def process_result_value(self, value, dialect):
        return None if value is None else uuid.UUID(str(value))


Base = declarative_base()


class Status(enum.Enum):
    draft = 1
    published = 2
    archived = 3


class User(Base):
    __tablename__ = "users"
    id = sa.Column(sa.Integer, primary_key=True)
    email = sa.Column(sa.String(120), nullable=False, unique=True)
    created = sa.Column(sa.DateTime, nullable=False)
    balance = sa.Column(sa.Numeric(10, 2))
    active = sa.Column(sa.Boolean, nullable=False, default=True)
    external_id = sa.Column(GUID)
    posts = relationship("Post", back_populates="user")


class Post(Base):
    __tablename__ = "posts"
    id = sa.Column(sa.Integer, primary_key=True)
    user_id = sa.Column(sa.Integer,
                        sa.ForeignKey("users.id", ondelete="CASCADE"),
                        nullable=False)
    title = sa.Column(sa.String(200), nullable=False)
    status = sa.Column(sa.Enum(Status), nullable=False)
    body = sa.Column(sa.Text)
    score = sa.Column(sa.Float)
    published_on = sa.Column(sa.Date)
    user = relationship("User", back_populates="posts")
    __table_args__ = (sa.Index("ix_posts_user_status", "user_id", "status"),)


post_views = sa.Table(
    "post_views", Base.metadata,
    sa.Column("post_id", sa.Integer, sa.ForeignKey("posts.id"),
              nullable=False),
    sa.Column("viewed_at", sa.DateTime, nullable=False),
    sa.Column("ip", sa.String(45)),
)


def engine_for(dialect, target):
    if dialect == "sqlite":
        return sa.create_engine("sqlite:///" + target)
    url = target.split("://", 1)[1]
    if dialect == "mariadb":
        return sa.create_engine("mysql+mysqldb://" + url + "?charset=utf8mb4")
    return sa.create_engine("postgresql+psycopg2://" + url)


def main(dialect, target):
    # SQLite keeps Numeric as a float: SQLAlchemy says so, once.
    warnings.simplefilter("ignore")
    engine = engine_for(dialect, target)
    Base.metadata.create_all(engine)
    t0 = datetime.datetime(2021, 1, 31, 13, 45, 0)
    with Session(engine) as s:
        users = [
            User(email="ann@example.org", created=t0,
                 balance=decimal.Decimal("12.50"),
                 external_id=uuid.UUID("6f1c2f8e-0d7a-4d5e-9b41-1f2a3b4c5d6e")),
            User(email="ben@example.org",
                 created=t0 + datetime.timedelta(days=1, microseconds=250000),
                 balance=decimal.Decimal("-3.00"), active=False),
            User(email="cé@example.org",
                 created=datetime.datetime(1999, 12, 31, 23, 59, 59, 999999),
                 balance=None,
                 external_id=uuid.UUID("00000000-0000-0000-0000-000000000001")),
        ]
        s.add_all(users)
        s.flush()
        posts = [
            Post(user=users[0], title="Hello", status=Status.published,
                 body="first\npost", score=4.5,
                 published_on=datetime.date(2021, 2, 1)),
            Post(user=users[0], title="Draft", status=Status.draft,
                 body=None, score=None, published_on=None),
            Post(user=users[1], title="Old", status=Status.archived,
                 body="tab\tand \\ backslash", score=0.1,
                 published_on=datetime.date(1970, 1, 1)),
        ]
        s.add_all(posts)
        s.flush()
        s.execute(post_views.insert(), [
            {"post_id": posts[0].id, "viewed_at": t0, "ip": "10.0.0.1"},
            {"post_id": posts[0].id, "viewed_at": t0, "ip": "10.0.0.1"},
            {"post_id": posts[2].id,
             "viewed_at": t0 + datetime.timedelta(seconds=1), "ip": None},
        ])
        s.commit()


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("sqlite", "postgresql",
                                                "mariadb"):
        sys.stderr.write(__doc__.split("\n\n")[1] + "\n")
        sys.exit(2)
    main(sys.argv[1], sys.argv[2])
