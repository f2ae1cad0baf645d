"""Benchmark knowledge-base search on PostgreSQL: 100,000 published articles, ~100 searches, p50/p95 (JSON).

Articles are seeded straight into the table with SQL (generate_series; words drawn from a support
vocabulary with a skewed, Zipf-like frequency, as in real text), indexed by the same weighted
vector the service writes, then searched the way the /kb/search/ page does: a capped count and
the first page of ranked results with highlighted snippets.
"""

from __future__ import annotations

import json
import random
import statistics
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from helpdesk.lib.pagination import CappedPaginator
from knowledgebase.models import Article, Category
from knowledgebase.selectors import article_search, search_hits

VOCABULARY = [
    "account",
    "password",
    "login",
    "sign",
    "reset",
    "email",
    "address",
    "invoice",
    "payment",
    "refund",
    "card",
    "billing",
    "subscription",
    "plan",
    "upgrade",
    "downgrade",
    "cancel",
    "renew",
    "receipt",
    "tax",
    "order",
    "delivery",
    "shipping",
    "tracking",
    "parcel",
    "return",
    "exchange",
    "warranty",
    "repair",
    "printer",
    "print",
    "printing",
    "scanner",
    "scan",
    "copy",
    "paper",
    "tray",
    "jam",
    "ink",
    "toner",
    "cartridge",
    "driver",
    "install",
    "update",
    "firmware",
    "wireless",
    "wifi",
    "network",
    "router",
    "bluetooth",
    "cable",
    "usb",
    "connect",
    "connection",
    "disconnect",
    "error",
    "message",
    "code",
    "crash",
    "freeze",
    "slow",
    "fast",
    "speed",
    "battery",
    "charge",
    "charger",
    "power",
    "screen",
    "display",
    "brightness",
    "colour",
    "sound",
    "speaker",
    "microphone",
    "camera",
    "photo",
    "video",
    "upload",
    "download",
    "file",
    "folder",
    "document",
    "pdf",
    "spreadsheet",
    "export",
    "import",
    "backup",
    "restore",
    "sync",
    "calendar",
    "contact",
    "notification",
    "alert",
    "setting",
    "settings",
    "profile",
    "language",
    "timezone",
    "privacy",
    "security",
    "twofactor",
    "verification",
    "code",
    "sms",
    "phone",
    "mobile",
    "app",
    "tablet",
    "laptop",
    "desktop",
    "windows",
    "macos",
    "linux",
    "android",
    "iphone",
    "browser",
    "chrome",
    "firefox",
    "safari",
    "cookie",
    "cache",
    "storage",
    "space",
    "quota",
    "limit",
    "team",
    "member",
    "invite",
    "role",
    "permission",
    "admin",
    "owner",
    "share",
    "link",
    "access",
    "denied",
    "blocked",
    "locked",
    "expired",
    "trial",
    "discount",
    "coupon",
    "voucher",
    "gift",
    "price",
    "currency",
    "bank",
    "transfer",
    "paypal",
    "direct",
    "debit",
    "mandate",
    "schedule",
    "appointment",
    "booking",
    "reschedule",
    "reminder",
    "confirm",
    "confirmation",
    "support",
    "ticket",
    "agent",
    "reply",
    "response",
    "hours",
    "weekend",
    "holiday",
    "contact",
    "form",
    "chat",
    "phone",
    "call",
    "callback",
    "feedback",
    "complaint",
    "compliment",
    "question",
    "problem",
    "issue",
    "fix",
    "workaround",
    "step",
    "guide",
    "tutorial",
    "video",
    "manual",
    "faq",
    "troubleshoot",
    "troubleshooting",
    "blank",
    "page",
    "pages",
    "empty",
    "missing",
    "wrong",
    "duplicate",
    "double",
    "charged",
    "twice",
    "late",
    "early",
    "damaged",
    "broken",
    "lost",
    "stolen",
    "replace",
    "replacement",
    "serial",
    "number",
    "model",
    "version",
    "release",
    "note",
    "change",
    "integration",
    "api",
    "key",
    "token",
    "webhook",
    "developer",
    "sandbox",
    "production",
    "domain",
    "dns",
    "certificate",
    "ssl",
    "redirect",
    "website",
    "shop",
    "cart",
    "checkout",
    "basket",
    "wishlist",
    "review",
    "rating",
    "search",
    "filter",
    "sort",
    "report",
    "export",
    "dashboard",
    "analytics",
    "chart",
    "graph",
]

# Words fill articles with a Zipf frequency (log-uniform rank, as in real text): stop words first,
# then the support vocabulary, then a long tail of rarer tokens (model numbers, error codes).
STOPWORDS = [
    "the",
    "to",
    "and",
    "a",
    "your",
    "you",
    "is",
    "of",
    "in",
    "it",
    "for",
    "on",
    "this",
    "that",
    "with",
    "can",
    "be",
    "if",
    "or",
    "are",
    "not",
    "from",
    "at",
    "as",
    "by",
    "we",
    "our",
    "have",
    "will",
    "an",
    "when",
    "do",
    "what",
    "how",
]
TAIL = 20_000
WORD = (
    "(SELECT string_agg(CASE WHEN k <= %(n)s THEN w[k] ELSE 'xm' || k END, ' ') FROM "
    "(SELECT floor(exp(random() * ln(%(n)s + %(tail)s)))::int + 0 * s AS k FROM generate_series(1, {length}) AS s) t)"
)
# Built from constants only; every value is a query parameter.
SEED_SQL = f"""
INSERT INTO knowledgebase_article (category_id, title, slug, summary, body, status, visibility, tags, created_at,
                                   updated_at, published_at, view_count, helpful_yes, helpful_no)
SELECT (%(categories)s::bigint[])[1 + g %% %(category_count)s],
       initcap({WORD.format(length="4 + g %% 5")}),
       'bench-' || g,
       {WORD.format(length="12 + g %% 12")},
       {WORD.format(length="120 + g %% 120")},
       'published', 'public', '', now(), now() - (g %% 700) * interval '1 hour', now(), g %% 997, 0, 0
FROM generate_series(1, %(articles)s) AS g, (SELECT %(words)s::text[] AS w) AS vocabulary;

UPDATE knowledgebase_article SET search_vector =
    setweight(to_tsvector('english', title), 'A')
    || setweight(to_tsvector('english', coalesce(summary, '') || ' ' || coalesce(tags, '')), 'B')
    || setweight(to_tsvector('english', body), 'C'),
    title_vector = setweight(to_tsvector('english', title), 'A')
WHERE slug LIKE 'bench-%%';
"""  # noqa: S608


class Command(BaseCommand):
    help = "Seed 100,000 published articles on PostgreSQL and time knowledge-base searches (p50/p95, JSON)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--articles", type=int, default=100_000)
        parser.add_argument("--searches", type=int, default=100)
        parser.add_argument("--reseed", action="store_true", help="Drop earlier bench articles first.")

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("The benchmark needs PostgreSQL: set DATABASE_URL=postgres://...")
        if "bench" not in connection.settings_dict["NAME"]:
            raise CommandError("The benchmark writes many rows: use a database whose name contains 'bench'.")
        seeded = self._seed(options["articles"], reseed=options["reseed"])
        result = {
            "kb_articles": Article.objects.published().count(),
            "kb_seed_seconds": seeded,
            "kb_search": self._time_searches(options["searches"]),
        }
        self.stdout.write(json.dumps(result, indent=2))

    def _seed(self, articles: int, *, reseed: bool) -> float | None:
        existing = Article.objects.filter(slug__startswith="bench-").count()
        if existing and not reseed:
            return None
        started = time.perf_counter()
        Article.objects.filter(slug__startswith="bench-").delete()
        categories = [
            Category.objects.get_or_create(slug=f"bench-{n}", defaults={"name": f"Bench {n}", "position": n})[0].pk
            for n in range(12)
        ]
        params: dict[str, Any] = {
            "categories": categories,
            "category_count": len(categories),
            "articles": articles,
            "words": STOPWORDS + VOCABULARY,
            "n": len(STOPWORDS) + len(VOCABULARY),
            "tail": TAIL,
        }
        with connection.cursor() as cursor:
            for statement in SEED_SQL.split(";\n"):
                if statement.strip():
                    cursor.execute(statement, params)
            cursor.execute("VACUUM ANALYZE knowledgebase_article")
        return round(time.perf_counter() - started, 1)

    def _queries(self, count: int) -> list[str]:
        """What customers type: one to three words, some phrases, some typos, some operators."""
        rng = random.Random(20261123)  # noqa: S311 - repeatable benchmark input, not security
        queries = []
        for i in range(count):
            words = rng.sample(VOCABULARY, rng.choice([1, 2, 2, 3]))
            query = " ".join(words)
            if i % 10 == 3:  # a typo
                w = words[0]
                query = (w[:2] + w[3:] if len(w) > 4 else w) + " " + " ".join(words[1:])
            elif i % 10 == 7:
                query = f'"{query}"'
            elif i % 10 == 9:
                query = f"{words[0]} -{rng.choice(VOCABULARY)}"
            queries.append(query.strip())
        return queries

    def _time_searches(self, count: int) -> dict[str, Any]:
        timings = []
        found = []
        for query in self._queries(count):
            started = time.perf_counter()
            rows = article_search(query)
            page = CappedPaginator(rows, 20).get_page(1)
            hits = search_hits(page.object_list, query)
            timings.append((time.perf_counter() - started) * 1000)
            found.append(len(hits))
        timings.sort()
        return {
            "searches": count,
            "p50_ms": round(statistics.median(timings), 1),
            "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 1),
            "max_ms": round(timings[-1], 1),
            "with_results": sum(1 for n in found if n),
        }
