"""Demo help articles for ``seed_demo``: a few useful categories and articles. Idempotent (by slug)."""

from __future__ import annotations

from django.contrib.auth.models import User

from knowledgebase.models import Article, Category
from knowledgebase.services import article_create

CATEGORIES = [
    # slug, name, description, parent slug, position
    ("account", "Your account", "Signing in, passwords and profile settings.", None, 1),
    ("billing", "Billing and invoices", "Invoices, payments and refunds.", None, 2),
    ("printing", "Printing", "Printers, drivers and print quality.", None, 3),
    ("printing-mobile", "Printing from a phone", "The mobile app and wireless printing.", "printing", 1),
    ("desk-howto", "For agents", "How we work: internal notes for the team.", None, 9),
]

ARTICLES = [
    (
        "reset-your-password",
        "account",
        "Reset your password",
        "Forgot your password? Set a new one in two minutes from the sign-in page.",
        "password, login, sign in, locked",
        "public",
        """## Set a new password

1. Go to the sign-in page and choose **Forgot password?**
2. Enter the email address of your account.
3. Open the email we send you (check your spam folder) and follow the link within one hour.
4. Choose a new password of at least 8 characters.

If the email doesn't arrive within 10 minutes, [contact us](/support/new/) and we'll help.""",
    ),
    (
        "change-your-email-address",
        "account",
        "Change the email address on your account",
        "Update the address we send invoices and notifications to.",
        "email, profile, account",
        "public",
        """Open **Settings → Profile**, type the new address and press **Save**.

We send a confirmation link to the new address; the change takes effect once you open it.""",
    ),
    (
        "download-an-invoice",
        "billing",
        "Download an invoice as PDF",
        "Every invoice is in your account as a PDF you can download or print.",
        "invoice, pdf, receipt, billing",
        "public",
        """## Where to find invoices

Open **Billing → Invoices**. Each line has a **Download PDF** button.

## The PDF opens blank

- Update your PDF reader, or open the file in your browser instead.
- Try downloading it again: an interrupted download can leave an empty file.""",
    ),
    (
        "request-a-refund",
        "billing",
        "Request a refund",
        "How refunds work, and how long they take to reach your account.",
        "refund, money back, cancel, payment",
        "public",
        """You can ask for a refund within 30 days of a payment.

1. Open **Billing → Payments**.
2. Choose the payment and press **Request a refund**.

Refunds reach your card within 5 to 10 working days.""",
    ),
    (
        "printer-prints-blank-pages",
        "printing",
        "Printer prints blank pages",
        "Blank pages usually mean empty or dried ink cartridges, or a clogged print head.",
        "printer, blank, ink, cartridge",
        "public",
        """## Check the ink first

1. Open the printer's status page and check the ink or toner levels.
2. Replace any empty cartridge and remove the protective tape from new ones.

## Clean the print head

Run **Maintenance → Clean print head** twice, then print a test page.

```
Settings → Maintenance → Clean print head
```""",
    ),
    (
        "printing-from-the-mobile-app",
        "printing-mobile",
        "Printing from the mobile app",
        "Send documents and photos to your printer from your phone over Wi-Fi.",
        "mobile, phone, app, wireless, wifi",
        "public",
        """Make sure your phone and the printer are on the **same Wi-Fi network**.

1. Open the app and tap **Print**.
2. Choose the printer from the list. If it isn't there, restart the printer and try again.
3. Pick the pages and tap **Print**.""",
    ),
    (
        "install-the-printer-driver",
        "printing",
        "Install the printer driver on Windows or macOS",
        "Download the right driver for your computer and printer model.",
        "driver, windows, macos, install, setup",
        "public",
        """Download the driver from our **Downloads** page, open the file and follow the steps.

On macOS, you can also add the printer in **System Settings → Printers & Scanners**.""",
    ),
    (
        "how-we-handle-refund-requests",
        "desk-howto",
        "How we handle refund requests (internal)",
        "Checks to make before approving a refund, and who signs off above 500 EUR.",
        "refund, approval, internal, policy",
        "internal",
        """- Check the payment is less than 30 days old.
- Up to 500 EUR: approve it yourself and note the reason.
- Above 500 EUR: add an internal note and assign the ticket to the team lead.""",
    ),
]


def seed_articles(*, author: User | None = None) -> int:
    """Create the demo categories and articles that are missing; returns how many articles were made."""
    categories: dict[str, Category] = {}
    for slug, name, description, parent, position in CATEGORIES:
        category, _ = Category.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "description": description,
                "parent": categories.get(parent or ""),
                "position": position,
            },
        )
        categories[slug] = category
    made = 0
    existing = set(Article.objects.filter(slug__in=[a[0] for a in ARTICLES]).values_list("slug", flat=True))
    for slug, category_slug, title, summary, tags, visibility, body in ARTICLES:
        if slug in existing:
            continue
        article_create(
            category=categories[category_slug],
            title=title,
            slug=slug,
            summary=summary,
            tags=tags,
            body=body,
            author=author,
            status=Article.Status.PUBLISHED,
            visibility=visibility,
        )
        made += 1
    return made
