"""First response and resolution times per queue: median and 90th percentile, in business hours.

Read from the daily histograms (reporting/buckets.py): each figure is the bound of the bucket that
holds the exact value, so "within 2 h" means the exact median is at most 2 h and above the bucket
below. A time counts on the day of the reply (or of solving), in the ticket's queue.
"""

from __future__ import annotations

from reporting import buckets
from reporting.buckets import HOUR
from reporting.formatting import percentile_text
from reporting.report import Cell, Figure, ReportContext, Series

MEASURES = (
    # key, title, histogram field, count field, what is timed
    (
        "first-response",
        "First response time",
        "first_response_hist",
        "first_responses",
        "creation to the first public reply",
    ),
    ("resolution", "Resolution time", "resolution_hist", "solved", "creation to solving (resolved, else closed)"),
)


def _hours(value: buckets.Percentile) -> float:
    return (value.seconds or 0) / HOUR


class TimesSection:
    key = "times"
    title = "Response and resolution times"

    def figures(self, context: ReportContext) -> list[Figure]:
        return [self._figure(context, *measure) for measure in MEASURES]

    def _figure(self, context: ReportContext, key: str, title: str, hist: str, count: str, what: str) -> Figure:
        histograms = {queue.pk: buckets.empty() for queue in context.scope.queues if queue.pk in context.queue_ids}
        total = buckets.empty()
        for row in context.daily_rows():
            if row[count]:
                buckets.add(histograms[row["queue_id"]], row[hist])
                buckets.add(total, row[hist])
        names = {queue.pk: queue.name for queue in context.scope.queues}
        rows: list[list[Cell]] = []
        medians, p90s = [], []
        for queue_id, counts in histograms.items():
            median, p90 = buckets.percentile(counts, 0.5), buckets.percentile(counts, 0.9)
            rows.append([names[queue_id], sum(counts), percentile_text(median), percentile_text(p90)])
            medians.append(_hours(median))
            p90s.append(_hours(p90))
        footer: list[Cell] = [
            "All queues",
            sum(total),
            percentile_text(buckets.percentile(total, 0.5)),
            percentile_text(buckets.percentile(total, 0.9)),
        ]
        return Figure(
            key=f"times-{key}",
            title=f"{title} (business hours)",
            description=f"From {what}, in the queue's business hours, by queue: the median and the 90th "
            "percentile, each rounded up to the next bucket bound.",
            columns=["Queue", "Tickets", "Median", "90th percentile"],
            rows=rows,
            footer=footer,
            labels=[str(row[0]) for row in rows],
            series=[Series("Median", medians), Series("90th percentile", p90s)],
            chart="grouped",
            unit="business hours",
        )


TIMES = TimesSection()
