"""What the writer of an email newly wrote: quoted history and signatures trimmed off.

Pure text in, text out (no Django, no database). An HTML-only email reaches here as text from
``mail.html_text.html_to_text``, which marks its <blockquote>s with "> " as mail clients do.

Trimmed from the writer's own part:
- history without "> " marks, from its first line to the end: Outlook's header block (From:,
  Sent:, To:, Subject:, in English and the common European languages), "-----Original
  Message-----", or a dated attribution ("On Mon, 30 Nov 2026 at 09:12, Support <...> wrote:",
  "Am ... schrieb ...:", "Le ... a écrit :", ...) followed by unmarked text;
- a block of "> " lines at the end, with the attribution line just above it;
- a signature: the last "-- " line and what follows, when that is short (``SIGNATURE_MAX_LINES``);
- mobile footers at the end ("Sent from my iPhone", "Get Outlook for iOS", ...).

Kept:
- text between quotes (an interleaved answer), with its quotes: they give the answers meaning;
- a forwarded message (Gmail's "---------- Forwarded message ---------", Apple Mail's "Begin
  forwarded message:", Thunderbird's "-------- Forwarded Message --------", or Outlook's header
  block when the subject starts with Fw:/Fwd:/WG:/TR:/RV:): forwarding it is the point of the
  email. Only the writer's note above it is trimmed.

Never trimmed to nothing: when nothing of the writer's own would be left (everything is quoted),
the whole text is the visible text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SIGNATURE_MAX_LINES = 15

# The verbs of "X wrote:" in the languages mail clients ship; only trusted right above "> " lines.
_WROTE = r"(?:wrote|schrieb|a\s+écrit|escribió|ha\s+scritto|escreveu|schreef|skrev|kirjoitti|napisał\(a\)|pisze)"
_LOOSE_ATTRIBUTION = re.compile(
    rf"^.{{0,300}}\b{_WROTE}(?:\s.{{0,120}})?\s?:\s*$|^\d{{4}}年\d{{1,2}}月\d{{1,2}}日.{{0,200}}:\s*$", re.I
)
# "On <date> at <time>, <someone> wrote:" and its translations: an opener, a time, the verb. Trusted
# above unmarked text too, so it must look like a client wrote it ("On Monday I wrote:" does not).
_OPENER = r"(?:On|Am|Le|El|Il|Em|Op|Den|W\s+dniu)\s"
_STRICT_ATTRIBUTION = re.compile(rf"^{_OPENER}(?=.*\d{{1,2}}:\d{{2}}).{{0,300}}\b{_WROTE}.{{0,80}}:\s*$", re.I)
_OPENS_ATTRIBUTION = re.compile(rf"^{_OPENER}", re.I)

_ORIGINAL_MESSAGE = re.compile(
    r"^-{3,}\s*(?:Original Message|Ursprüngliche Nachricht|Message d'origine|Mensaje original|"
    r"Messaggio originale|Oorspronkelijk bericht|Mensagem original)\s*-{3,}\s*$",
    re.I,
)
_FORWARD_MARKER = re.compile(
    r"^-{3,}\s*(?:Forwarded message|Weitergeleitete Nachricht|Message transféré|Mensaje reenviado|"
    r"Messaggio inoltrato|Doorgestuurd bericht|Mensagem encaminhada)\s*-{3,}\s*$"
    r"|^(?:Begin forwarded message|Anfang der weitergeleiteten Nachricht|Début du message réexpédié|"
    r"Inicio del mensaje reenviado)\s?:\s*$",
    re.I,
)
_FORWARD_SUBJECT = re.compile(r"^\s*(?:fwd?|wg|tr|rv|enc|doorst)\s*:", re.I)

# Outlook's block above the quoted message: From plus Sent/Date plus To/Subject, within a few lines.
_HEADER_FROM = re.compile(r"^\*?(?:From|Von|De|Van|Da|Från|Fra|Od)\s?:\*?\s*\S", re.I)
_HEADER_SENT = re.compile(
    r"^\*?(?:Sent|Date|Gesendet|Datum|Envoyé|Enviado|Fecha|Inviato|Data|Verzonden|Skickat|Sendt)\s?:", re.I
)
_HEADER_TO = re.compile(
    r"^\*?(?:To|Subject|An|Betreff|À|Objet|Para|Asunto|A|Oggetto|Assunto|Aan|Onderwerp|Till|Ämne|Til|Emne)\s?:",
    re.I,
)
_HEADER_LOOKAHEAD = 6
_SEPARATOR = re.compile(r"^(?:_{8,}|-{8,})\s*$")

_SIGNATURE = re.compile(r"^--\s?$")
_MOBILE_FOOTER = re.compile(
    r"^(?:Sent from my \S.{0,40}|Sent from (?:Mail|Outlook|Yahoo Mail|Samsung|Proton Mail)\b.{0,60}|"
    r"Get Outlook for (?:iOS|Android)\b.{0,80}|Sent from Outlook for \S.{0,80}|"
    r"Von meinem \S.{0,40} gesendet|Envoyé de mon \S.{0,40}|Enviado desde mi \S.{0,40}|"
    r"Inviato da(?:l mio)? \S.{0,40}|Verzonden (?:met|vanaf) (?:mijn )?\S.{0,40}|Skickat från min \S.{0,40})\s*$",
    re.I,
)


@dataclass(frozen=True)
class Trimmed:
    visible: str
    full: str

    @property
    def trimmed(self) -> bool:
        return self.visible != self.full


def trim(text: str, *, subject: str = "") -> Trimmed:
    """The visible part of ``text`` (an email's body), and the whole of it, both stripped."""
    full = text.replace("\r\n", "\n").strip()
    lines = full.split("\n")
    forward = bool(_FORWARD_SUBJECT.match(subject))
    own, forwarded = _split_forward(lines)
    history = _history_start(own)
    if history is not None:
        if forward and not forwarded:  # Outlook's forward: its header block starts the forwarded message
            forwarded = own[history:]
        own = own[:history]
    untrimmed = len(_rstrip(own))
    own = _trim_end(own)
    if history is None and len(own) == untrimmed:
        return Trimmed(visible=full, full=full)
    visible = "\n".join(own).strip()
    if forwarded:
        visible = (visible + "\n\n" + "\n".join(forwarded).strip()).strip()
    if not "\n".join(own).strip() and not forwarded:
        visible = full  # everything was quoted: never show nothing
    return Trimmed(visible=visible, full=full)


def _quoted(line: str) -> bool:
    return line.lstrip().startswith(">")


def _blank(line: str) -> bool:
    return not line.strip()


def _split_forward(lines: list[str]) -> tuple[list[str], list[str]]:
    for i, line in enumerate(lines):
        if not _quoted(line) and _FORWARD_MARKER.match(line.strip()):
            return lines[:i], lines[i:]
    return lines, []


def _history_start(lines: list[str]) -> int | None:
    """Where unmarked quoted history starts, or None."""
    for i, line in enumerate(lines):
        stripped = line.strip()
        if _quoted(line) or not stripped:
            continue
        if _ORIGINAL_MESSAGE.match(stripped) or _outlook_header(lines, i):
            return i - 1 if i > 0 and _SEPARATOR.match(lines[i - 1].strip()) else i
        attribution = _attribution_at(lines, i)
        if attribution and _next_text_unquoted(lines, i + attribution):
            return i
    return None


def _outlook_header(lines: list[str], i: int) -> bool:
    if not _HEADER_FROM.match(lines[i].strip()):
        return False
    following = [line.strip() for line in lines[i + 1 : i + 1 + _HEADER_LOOKAHEAD]]
    return any(_HEADER_SENT.match(line) for line in following) and any(_HEADER_TO.match(line) for line in following)


def _attribution_at(lines: list[str], i: int) -> int:
    """How many lines a dated attribution starting at line ``i`` spans (Gmail wraps it): 0, 1 or 2."""
    line = lines[i].strip()
    if _STRICT_ATTRIBUTION.match(line):
        return 1
    if i + 1 < len(lines) and _STRICT_ATTRIBUTION.match(f"{line} {lines[i + 1].strip()}"):
        return 2
    return 0


def _next_text_unquoted(lines: list[str], start: int) -> bool:
    return next((not _quoted(line) for line in lines[start:] if not _blank(line)), False)


def _trim_end(lines: list[str]) -> list[str]:
    """Take quoted blocks, signatures and mobile footers off the end until none is left there.
    Each step only looks at the end and cuts in place, so this stays linear in the lines cut."""
    lines = list(lines)
    while True:
        before = len(lines)
        for block_start in (_trailing_quote_start, _signature_start, _footer_start):
            while lines and _blank(lines[-1]):
                lines.pop()
            del lines[block_start(lines) :]
        if len(lines) == before:
            return lines


def _rstrip(lines: list[str]) -> list[str]:
    end = len(lines)
    while end and _blank(lines[end - 1]):
        end -= 1
    return lines[:end]


def _trailing_quote_start(lines: list[str]) -> int:
    """Where the block of "> " lines at the end starts, with the attribution above it."""
    start = len(lines)
    while start and (_quoted(lines[start - 1]) or _blank(lines[start - 1])):
        start -= 1
    if start == len(lines):
        return start
    above = start - 1
    if above >= 0 and _LOOSE_ATTRIBUTION.match(lines[above].strip()):
        start = above
        if above >= 1 and _OPENS_ATTRIBUTION.match(lines[above - 1].strip()) and _attribution_at(lines, above - 1) == 2:
            start = above - 1
    elif above >= 1 and _attribution_at(lines, above - 1) == 2:
        start = above - 1
    return start


def _signature_start(lines: list[str]) -> int:
    """Where a signature starts ("-- "); only the last lines are looked at, since one further up
    has too much after it to be a signature."""
    for i in range(len(lines) - 1, max(-1, len(lines) - SIGNATURE_MAX_LINES - 2), -1):
        if _SIGNATURE.match(lines[i]):
            return i
    return len(lines)


def _footer_start(lines: list[str]) -> int:
    if lines and _MOBILE_FOOTER.match(lines[-1].strip()):
        return len(lines) - 1
    return len(lines)
