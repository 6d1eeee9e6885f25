"""build.py - a small Django project's tables, made by Django's own
makemigrations and migrate, and rows written through its ORM.

    python3 build.py sqlite FILE
    python3 build.py postgresql URL
    python3 build.py mariadb URL

The project lives in a temporary directory: settings, one app "shop"
with authors, books and tags (DateTimeField with USE_TZ, DateField,
DecimalField, UUIDField, BooleanField, JSONField, a ForeignKey, a
ManyToManyField, unique_together and a named index), and the migrations
makemigrations writes for it.
"""
import datetime
import decimal
import os
import sys
import tempfile
import urllib.parse
import uuid

MODELS = '''
from django.db import models


class Author(models.Model):
    name = models.CharField(max_length=100, unique=True)
    born = models.DateField(null=True)
    active = models.BooleanField(default=True)


class Tag(models.Model):
    label = models.SlugField(max_length=30, unique=True)


class Book(models.Model):
    uid = models.UUIDField(unique=True)
    title = models.CharField(max_length=200)
    author = models.ForeignKey(Author, on_delete=models.CASCADE,
                               related_name="books")
    price = models.DecimalField(max_digits=8, decimal_places=2)
    published_at = models.DateTimeField(null=True)
    added_on = models.DateField()
    meta = models.JSONField(default=dict)
    tags = models.ManyToManyField(Tag)

    class Meta:
        unique_together = [("author", "title")]
        indexes = [models.Index(fields=["published_at"],
                                name="book_published_idx")]
'''


def database(dialect, target):
    if dialect == "sqlite":
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": target}
    u = urllib.parse.urlparse(target)
    return {
        "ENGINE": "django.db.backends.mysql" if dialect == "mariadb"
        else "django.db.backends.postgresql",
        "NAME": u.path.lstrip("/"),
        "USER": urllib.parse.unquote(u.username or ""),
        "PASSWORD": urllib.parse.unquote(u.password or ""),
        "HOST": u.hostname or "",
        "PORT": str(u.port or ""),
    }


def main(dialect, target):
    root = tempfile.mkdtemp(prefix="adopt-django.")
    os.makedirs(os.path.join(root, "shop", "migrations"))
    for name in ("shop/__init__.py", "shop/migrations/__init__.py"):
        open(os.path.join(root, name), "w").close()
    with open(os.path.join(root, "shop", "models.py"), "w") as f:
        f.write(MODELS)
    sys.path.insert(0, root)

    import django
    from django.conf import settings
    from django.core.management import call_command

    settings.configure(
        INSTALLED_APPS=["shop"],
        DATABASES={"default": database(dialect, target)},
        USE_TZ=True,
        TIME_ZONE="UTC",
        DEFAULT_AUTO_FIELD="django.db.models.AutoField",
    )
    django.setup()
    call_command("makemigrations", "shop", verbosity=0)
    call_command("migrate", verbosity=0)

    from shop.models import Author, Book, Tag
    utc = datetime.timezone.utc
    ada = Author.objects.create(name="Ada", born=datetime.date(1815, 12, 10))
    bob = Author.objects.create(name="Bob", born=None, active=False)
    cyd = Author.objects.create(name="Cýd O'Neil",
                                born=datetime.date(2000, 2, 29))
    tags = [Tag.objects.create(label=s) for s in ("math", "poetry", "c-lang")]
    books = [
        (ada, "Notes", "12.50",
         datetime.datetime(1843, 9, 1, 12, 0, tzinfo=utc),
         datetime.date(2021, 1, 31), {"pages": 65, "lang": "en"}),
        (ada, "Letters", "10.00", None, datetime.date(2021, 2, 1), {}),
        (bob, "Notes", "0.99",
         datetime.datetime(2021, 1, 31, 13, 45, 0, 500000, tzinfo=utc),
         datetime.date(2021, 3, 1), {"a": [1, 2, {"b": None}]}),
        (cyd, "Tab\there", "1234.05",
         datetime.datetime(2024, 2, 29, 23, 59, 59, tzinfo=utc),
         datetime.date(2024, 2, 29), {"quote": "say \"hi\""}),
    ]
    for i, (author, title, price, at, on, meta) in enumerate(books):
        b = Book.objects.create(
            uid=uuid.UUID(int=0x0123456789ABCDEF0123456789ABC000 + i),
            title=title, author=author, price=decimal.Decimal(price),
            published_at=at, added_on=on, meta=meta)
        b.tags.set(tags[: i % 3 + 1])


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("sqlite", "postgresql",
                                                "mariadb"):
        sys.stderr.write(__doc__.split("\n\n")[1] + "\n")
        sys.exit(2)
    main(sys.argv[1], sys.argv[2])
