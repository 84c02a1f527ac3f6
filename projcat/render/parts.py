"""The small views pages are made of: links, texts in a language, contacts and documents.

`shown` picks a reader-facing text in the page's language (a `LocalText` of
site.yaml, or a plain string in a known language) and says which language it
is in; `other_lang` turns that into the `lang` an element needs, none when the
text is in the page's own language.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from babel.numbers import format_decimal
from markupsafe import Markup, escape

from projcat.content.documents import DocumentFile
from projcat.content.localtext import LocalText
from projcat.content.records import Contact, Document
from projcat.content.settings import SiteConfig
from projcat.render.addresses import Urls
from projcat.render.formatting import PeriodView, date_view, locale_of, with_markup
from projcat.strings import Strings


@dataclass(frozen=True)
class Link:
    text: str
    url: str
    current: bool = False
    lang: str | None = None


def shown(value: object, lang: str, main: str, plain: str | None = None) -> tuple[str, str]:
    """A reader-facing text in `lang` and the language it is in: a site.yaml text in `lang`
    when it is given there, else in the main language; a plain string is in `plain` (default: main)."""
    if isinstance(value, LocalText):
        return value.get(lang, main)
    return ("" if value is None else str(value)), plain or main


def other_lang(text_lang: str, page_lang: str) -> str | None:
    """The `lang` an element showing a text needs: none when the text is in the page's language."""
    return text_lang if text_lang != page_lang else None


def in_lang(text: str, lang: str | None) -> Markup:
    """A text to set inside a sentence of the page, in a `<span lang>` when `lang` says it is in another."""
    return Markup('<span lang="{}">{}</span>').format(lang, text) if lang else escape(text)


@dataclass(frozen=True)
class FundingView:
    funder: str
    amount: str | None
    note: str | None
    # The programme it names (`site.yaml`'s `programmes`), as the page's language shows it, and its code.
    programme: str | None = None
    programme_lang: str | None = None
    code: str | None = None
    # The programme's rules (`settings.PROGRAMME_RULES`), for the open data.
    rules: str | None = None


@dataclass(frozen=True)
class ContactView:
    name: str
    role: str | None
    email: str | None
    phone: str | None
    # The name's language when it is not the page's (a site.yaml text shown in the main language).
    name_lang: str | None = None

    @property
    def tel_href(self) -> str | None:
        if not self.phone:
            return None
        digits = re.sub(r"[^0-9+]", "", self.phone)
        return f"tel:{digits}"


@dataclass(frozen=True)
class DocumentView:
    title: str
    url: str | None
    type_label: str | None
    size: str | None
    accessible: bool
    accessibility_note: str | None
    ask_html: Markup | None
    description: str | None = None
    date: PeriodView | None = None
    # The language of its title and description when it is not the page's.
    lang: str | None = None
    # The language of its accessibility note (written in the main file, or with the translation's
    # list of documents) when it is not the page's.
    note_lang: str | None = None
    # The language of its written type and size when it is not the page's.
    details_lang: str | None = None

    @property
    def details(self) -> str:
        return ", ".join(part for part in (self.type_label, self.size) if part)


def _document_type(document: Document, written: str) -> str | None:
    if written:
        return written.upper()
    if document.url:
        extension = posixpath.splitext(urlsplit(document.url).path)[1].lstrip(".")
        return extension.upper() or None
    return None


def _ask_html(contact: ContactView | None, urls: Urls, t: Strings) -> Markup:
    """How to ask for an accessible version: the contact's address, or the statement's feedback section."""
    if contact is None:
        link = Markup('<a href="{}#palaute">{}</a>').format(urls.statement(), t("document.ask_statement_link"))
        return with_markup(t, "document.ask_statement", "link", link)
    name = in_lang(contact.name, contact.name_lang)
    if contact.email:
        who = Markup('{}, <a href="mailto:{}">{}</a>').format(name, contact.email, contact.email)
    else:
        who = Markup('{}, <a href="{}">{}</a>').format(name, contact.tel_href, contact.phone)
    return with_markup(t, "document.ask_accessible", "contact", who)


def feedback_contact(site: SiteConfig, lang: str | None = None) -> ContactView | None:
    """The site's accessibility feedback channel as a contact, when it has an address or a number."""
    facts = site.accessibility
    if facts is None or not (facts.feedback_email or facts.feedback_phone):
        return None
    lang = lang or site.language
    name, name_from = shown(facts.feedback_handler or site.organisation, lang, site.language)
    return ContactView(name, None, facts.feedback_email, facts.feedback_phone, other_lang(name_from, lang))


def ask_contact(contacts: tuple[ContactView, ...], fallback: ContactView | None) -> ContactView | None:
    """Whom a reader asks for an accessible version: the first contact who can be reached."""
    return (next((c for c in contacts if c.email), None)
            or next((c for c in contacts if c.phone), None)
            or fallback)


def format_size(size: int, t: Strings) -> str:
    """A file's size as a reader reads it: `18 kt`, `1,2 Mt` in Finnish, `18 KB`, `1.2 MB` in English."""
    locale = locale_of(t)
    if size < 1000:
        return t("size.bytes", n=format_decimal(size, locale=locale))
    if size < 1000 ** 2:
        return t("size.kb", n=format_decimal(max(1, round(size / 1000)), locale=locale))
    return t("size.mb", n=format_decimal(round(size / 1000 ** 2, 1), format="#,##0.#", locale=locale))


def document_view(document: Document, urls: Urls, ask: ContactView | None, t: Strings,
                  main: str | None = None, plain: str | None = None,
                  facts: DocumentFile | None = None) -> DocumentView:
    """`main` is the site's main language; `plain` the language a plain-string title is written in;
    `facts` the document's file as measured, when it is one of the site's own."""
    url = document.url
    main = main or t.lang
    written_note, note_from = shown(document.accessibility_note, t.lang, main, plain)
    accessible, note = document.accessible, written_note or None
    if facts is not None and "accessible" not in document.model_fields_set and "tags" in facts.missing:
        # Not marked either way and untagged: not accessible, and the statement says why.
        accessible, note = False, note or t("document.reason.untagged")
    if url and url.startswith("/"):
        url = urls.site_path(url)
    title, title_lang = shown(document.title, t.lang, main, plain)
    description, _ = shown(getattr(document, "description", None), t.lang, main, plain)
    day = getattr(document, "date", None)
    # A title and its description are given in the same languages: the title's stands for both.
    text_lang = other_lang(title_lang, t.lang)
    # A file of the site's own is measured and described in the page's language; a link's type and
    # size are as written.
    written_type, type_from = shown(document.type, t.lang, main, plain)
    written_size, size_from = shown(document.size, t.lang, main, plain)
    details_from = size_from if written_size else type_from if written_type else t.lang
    return DocumentView(
        title=title,
        url=url,
        type_label=facts.type if facts is not None else _document_type(document, written_type),
        size=format_size(facts.size, t) if facts is not None else written_size or None,
        accessible=accessible,
        accessibility_note=note,
        ask_html=None if accessible else _ask_html(ask, urls, t),
        description=description or None,
        date=date_view(day, locale_of(t)) if day else None,
        lang=text_lang,
        note_lang=other_lang(note_from, t.lang) if written_note else None,
        details_lang=None if facts is not None else other_lang(details_from, t.lang),
    )


def contact_view(contact: Contact) -> ContactView:
    return ContactView(contact.name, contact.role, contact.email, contact.phone)
