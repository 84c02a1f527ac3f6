"""The accessibility statement (saavutettavuusseloste): what the page shows (`content.statement_checks` checks it).

The statement follows the EU model (Commission Implementing Decision (EU)
2018/1523): compliance status, the content that is not accessible, when and
how the statement was drawn up, the feedback channel, and the supervisory
authority. The non-accessible content is never typed by hand: every document
marked `accessible: false`, on a project or on the front page, is collected
here, so the statement cannot fall behind the pages.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

from projcat.content.settings import DEFAULT_SUPERVISORY_AUTHORITY, Accessibility, SupervisoryAuthority
from projcat.render.formatting import date_view, locale_of, with_markup
from projcat.render.parts import ContactView, DocumentView, Link, ask_contact, in_lang, other_lang, shown
from projcat.render.views import Views
from projcat.strings import N_, Strings


@dataclass(frozen=True)
class InaccessibleItem:
    document: DocumentView
    page: Link
    reason: str
    ask_html: Markup
    # The reason's language when it is not the page's (a note written in the main language).
    reason_lang: str | None = None


@dataclass(frozen=True)
class IssueView:
    text: str
    lang: str | None = None


@dataclass(frozen=True)
class StatementView:
    compliance: str
    compliance_text: str
    scope_text: str
    items: tuple[InaccessibleItem, ...]
    other_issues: tuple[str, ...]
    # The same, each with its language when it is not the page's.
    issues: tuple[IssueView, ...]
    dates_html: Markup
    assessment_html: Markup
    feedback: ContactView | None
    feedback_url: str | None
    handler: str
    # "Feedback is handled by ..." with the handler marked with its language when it is not the page's.
    handler_html: Markup
    # Without a feedback channel: "contact the organisation", marked likewise.
    fallback_html: Markup
    authority: SupervisoryAuthority
    # Its name in the page's language (else the main language's), and the sentence naming it.
    authority_name: str
    authority_name_html: Markup
    # The authority's address and number, shown like any other contact's.
    authority_contact: ContactView

    @property
    def authority_tel(self) -> str | None:
        return self.authority_contact.tel_href

    @property
    def has_content_issues(self) -> bool:
        return bool(self.items or self.other_issues)

    @property
    def has_feedback_channel(self) -> bool:
        return self.feedback is not None or self.feedback_url is not None


def derived_compliance(configured: str | None, issues: int) -> str:
    """The status the organisation gave, else the one the content allows."""
    if configured:
        return configured
    return "partial" if issues else "full"


def inaccessible_items(views: Views, t: Strings) -> tuple[InaccessibleItem, ...]:
    """Front-page documents first, then projects by title: the order a reader scans."""
    site = views.site
    reason = t("statement.reason.default")
    # A document with nobody to ask points its reader to the statement; here, on the
    # statement itself, that becomes a pointer to the feedback section below.
    below = with_markup(t, "statement.item.ask_below", "link", Markup('<a href="#palaute">{}</a>').format(
        t("statement.feedback.heading")))
    sources = [(Link(t("nav.home"), site.urls.index()), site.documents, site.feedback)]
    for project in sorted(views.projects.values(), key=lambda p: (p.title.casefold(), p.slug)):
        page = Link(project.title, project.url, lang=project.title_lang)
        sources.append((page, project.documents, ask_contact(project.contacts, site.feedback)))
    return tuple(
        InaccessibleItem(d, page, d.accessibility_note or reason,
                         d.ask_html if ask is not None and d.ask_html is not None else below,
                         d.note_lang if d.accessibility_note else None)
        for page, documents, ask in sources
        for d in documents
        if not d.accessible
    )


def _dates_html(facts: Accessibility | None, t: Strings) -> Markup:
    if facts is None:
        return escape(t("statement.prepared.unknown"))
    prepared = date_view(facts.prepared, locale_of(t)).html
    reviewed = date_view(facts.reviewed or facts.prepared, locale_of(t)).html
    return with_markup(t, "statement.prepared", "date", prepared) + " " + with_markup(
        t, "statement.reviewed", "date", reviewed)


def _assessment_html(facts: Accessibility | None, t: Strings, main: str) -> Markup:
    if facts is not None and facts.compliance == "not-assessed":
        # Not "based on a self-assessment": none has been made yet.
        return escape(t("statement.assessment.not_yet"))
    if facts is None or facts.assessment == "self":
        return escape(t("statement.assessment.self"))
    if facts.assessor:
        assessor, lang = shown(facts.assessor, t.lang, main)
        return with_markup(t, "statement.assessment.external_by", "assessor",
                           in_lang(assessor, other_lang(lang, t.lang)))
    return escape(t("statement.assessment.external"))


# Composed below as statement.compliance.<compliance>.
N_("statement.compliance.full"), N_("statement.compliance.partial"), N_("statement.compliance.none")
N_("statement.compliance.not-assessed")


def build_statement(views: Views, t: Strings) -> StatementView:
    site = views.site
    facts = site.accessibility
    # The site's texts in the page's language where site.yaml gives them, else in the main language.
    main = site.languages[0] if site.languages else site.lang
    items = inaccessible_items(views, t)
    issues = tuple(IssueView(text, other_lang(lang, t.lang))
                   for text, lang in (shown(issue, t.lang, main) for issue in (facts.other_issues if facts else ())))
    other = tuple(issue.text for issue in issues)
    compliance = derived_compliance(facts.compliance if facts else None, len(items) + len(other))
    authority = facts.supervisory_authority if facts else DEFAULT_SUPERVISORY_AUTHORITY
    authority_name, authority_from = shown(authority.name, t.lang, main)
    authority_lang = other_lang(authority_from, t.lang)
    if facts and facts.feedback_handler:
        handler, handler_from = shown(facts.feedback_handler, t.lang, main)
        handler_lang = other_lang(handler_from, t.lang)
    else:
        handler, handler_lang = site.organisation, site.organisation_lang
    # Only an absolute base URL says where the site is; a path alone would tell a reader nothing.
    scope = (t("statement.scope_address", site=site.title, address=site.base_url)
             if site.base_url.startswith(("http://", "https://")) else t("statement.scope", site=site.title))
    return StatementView(
        compliance=compliance,
        compliance_text=t(f"statement.compliance.{compliance}"),
        scope_text=scope,
        items=items,
        other_issues=other,
        issues=issues,
        dates_html=_dates_html(facts, t),
        assessment_html=_assessment_html(facts, t, main),
        feedback=site.feedback,
        feedback_url=facts.feedback_url if facts else None,
        handler=handler,
        handler_html=with_markup(t, "statement.feedback.handler", "handler", in_lang(handler, handler_lang)),
        fallback_html=with_markup(t, "statement.feedback.fallback", "organisation",
                                  in_lang(site.organisation, site.organisation_lang)),
        authority=authority,
        authority_name=authority_name,
        authority_name_html=with_markup(t, "statement.authority.name", "name", in_lang(authority_name, authority_lang)),
        authority_contact=ContactView(authority_name, None, authority.email, authority.phone, authority_lang),
    )
