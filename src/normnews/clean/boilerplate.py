"""Boilerplate paragraphs: page furniture that is not the article.

Five rules, each named in the edit detail:

1. **Phrase rules** (``boilerplate_phrases``): a short paragraph that *is* a known furniture
   phrase, matched as a whole (never as a substring of prose): comment forms, related-post
   headings, share/follow/subscribe/newsletter prompts, ad markers, cookie and policy lines,
   navigation words, image credits, and script debris (code patterns, searched anywhere in a
   paragraph that has no sentence shape).
2. **Block rules**: after a related-posts or comment-form heading, the short title-like lines
   that follow (post titles, form fields, dates) go too, up to the next prose paragraph.
3. **Corpus frequency** (``frequent``): a short paragraph whose census key repeats across the
   site's articles (see :mod:`normnews.clean.census`).
4. **Navigation runs** (``boilerplate_nav_run``): ``N`` or more consecutive very short
   paragraphs (at most ``NAV_MAX_WORDS`` words, no digits, no sentence punctuation) are a menu,
   but only on a text where other rules already found ``NAV_EVIDENCE`` furniture paragraphs
   (an all-visible-text scrape of a page), and only when the run opens the text or holds a
   furniture paragraph itself (``Home``, ``Search``). In a clean article such a run is a list
   (fixtures, names) and stays.
5. **Whole-page scrapes** (``boilerplate_page_trim``): a text of 30+ paragraphs, mostly short
   non-prose lines, where other rules already found ``PAGE_EVIDENCE`` furniture paragraphs,
   is a page's visible text; only its main run of prose (and the headings and captions
   inside it) is the article (see :func:`_trim_page`).
"""

from __future__ import annotations

import re

from normnews.clean.census import line_key
from normnews.clean.evidence import end_key
from normnews.config import CleanConfig
from normnews.model import Edit

STEP = "boilerplate"
PHRASE_MAX_WORDS = 30
"""Longer paragraphs are prose and never matched by phrase rules."""
NAV_MAX_WORDS = 4
MENU_FURNITURE = frozenset({"navigation word", "share/follow/subscribe prompt"})
"""What sits between the items of a menu (``Home``, ``Search``, ``Share``); an ad or a
related-posts line inside a list of fixtures does not make the list a menu."""
NAV_EVIDENCE = 2
"""Paragraphs removed by other rules before menu runs are looked for."""
BLOCK_MAX_WORDS = 15
BLOCK_MAX_ITEMS = 8
"""Related-post lists and comment forms are short; a longer run is a list of the article's."""
IN_BLOCK = "inside a related-posts or comment block"
SCRIPT = "script debris"
CODE_LISTINGS = 2
COMMENT_HEADER_RE = re.compile(
    r"(?:\b\d{1,2}:\d{2}\b|\b(?:19|20)\d{2}\b).{0,40}\b(?:said|says|wrote|writes|commented)\s*:\s*$",
    re.IGNORECASE,
)
"""A comment's header: a date or a time, then ``said:`` at the end of a short line."""
COMMENT_HEADER_CHARS = 160
COMMENT_HEADERS = 2
COMMENT_THREAD = "readers' comments (a thread of dated comment headers)"
FREQUENT = "repeats across the site's articles"
SIGNOFF = "sign-off: ends many of the source's articles"
SIGNOFF_TAIL_RE = re.compile(r"(?<=[.!?\"'”’)])\s+(\S+(?:\s\S+)?)$")
"""A short tail glued after the last sentence end (``... said. Reuter``)."""
PROSE_SENTENCE_WORDS = 4
"""A repeated line that ends like a sentence and has this many words is prose ("The company
gave no further details."), never template."""
ROW_MAX_WORDS = 12
ROW_MIN_NUMBERS = 2
SHORT_ROW_WORDS = 6
NUMBER_RE = re.compile(r"\d+(?:[.,]\d+)*")
"""A paragraph with a digit and at most this many words is a row of figures."""
BLOCK_HEADING_WORDS = 5
INNER_SENTENCE_RE = re.compile(r"[a-z][.!?][\"'”’)]*\s+[A-Z\"“]")

_SOCIAL = (
    r"facebook|twitter|x|linkedin|whatsapp|reddit|pinterest|tumblr|telegram|messenger|email|"
    r"e-mail|print|share|tweet|pin|copy link|copy|sms|flipboard|pocket|instagram|youtube|"
    r"google\+?|vk|line|mail|comments?|save|"
    # "share" in the languages of our test samples
    r"поделиться|teilen|partager|compartir|condividi|κοινοποίηση|مشاركة|分享|シェア"
)

_LINKS = (
    r"privacy(?: policy| notice| settings)?|terms(?: of (?:use|service)| (?:and|&) conditions)?|"
    r"cookies?(?: policy| settings)?|contact(?: us)?|about(?: us)?|careers|jobs|"
    r"advertise(?: with us)?|sitemap|site map|help|faq|accessibility|imprint|impressum|"
    r"corrections|rss|newsletters?|archives?"
)

PHRASES: tuple[tuple[str, str], ...] = (
    (
        "comment form phrase",
        r"leave a (?:reply|comment)|post a comment|add (?:a|your) comment|add comment|"
        r"comments? are closed|comments? (?:is|are) disabled|"
        r"your email address will not be published.*|required fields are marked.*|"
        r"(?:name|email|e-mail|website|comment|message)(?: \*| \(required\))?|"
        r"save my name.*|notify me of .*(?:comments|posts).*|"
        r"you must be (?:logged|signed) in to (?:post|leave) a comment.*|"
        r"(?:log|sign) in to (?:comment|reply)|cancel reply|post comment|submit comment|"
        r"reply|click here to cancel reply.*|join the (?:discussion|conversation)|"
        r"this site uses akismet.*|(?:view|show|hide|load|read) (?:all )?(?:\d+ )?comments?|"
        r"\d* ?(?:comments?|responses?|replies)(?: \(\d+\))?|"
        r"(?:\d+ )?(?:thoughts?|responses?) on [\u201c\"\u2018'].{1,120}|be the first to comment.*|"
        r"comment policy.*|report (?:this )?comment|"
        r"(?:sort|sorted) by (?:newest|oldest|best).*",
    ),
    (
        "related-posts heading",
        r"related(?: posts?| articles?| stories| content| links| coverage| news| reading| "
        r"topics| videos?| items)?(?: ?: .{1,120})?|"
        r"you (?:may|might) (?:also )?(?:like|enjoy|be interested in)|"
        r"more (?:stories|news|articles|videos|from|on|in|like this)(?: .{0,60})?|"
        r"recommended(?: for you| stories| articles| reading)?|see also|also read|"
        r"read (?:more|next|also)(?: ?:.*)?|continue reading.*|most (?:read|popular|viewed|"
        r"shared|commented)|trending(?: now| stories)?|top stories|popular (?:posts|stories)|"
        r"latest (?:news|stories|posts|articles|headlines)|(?:previous|next) (?:post|article|"
        r"story)(?: ?:.*)?|(?:«|‹)? ?(?:previous|next|older|newer)(?: ?»|›)?|"
        r"what to read next|don't miss|editor'?s picks?|around the web|from the web",
    ),
    (
        "share/follow/subscribe prompt",
        rf"(?:{_SOCIAL})(?:[\s,/|·•]+(?:{_SOCIAL}))*|"
        r"share (?:this|on|via|the|article|story|post|page).{0,60}|"
        r"(?:follow|like|find|join) us(?: on .{0,60})?|"
        r"(?:subscribe|sign up|register)(?: now| today| for free| here)?"
        r"(?: to .{0,80}| for .{0,80})?|"
        r".{0,60}\b(?:sign up|subscribe|get|receive|join)\b.{0,40}newsletters?.{0,60}|"
        r".{0,40}newsletters?.{0,20}\b(?:sign up|subscribe)\b.{0,40}|newsletters?|"
        r"get (?:the latest|our|breaking) .{0,60}(?:inbox|alerts?)|"
        r"click here.{0,80}|tap here.{0,60}|download (?:our|the) app.{0,40}|"
        r"(?:sign|log) (?:in|out)|log ?in|register|my account|"
        r"(?:sign|log) ?in ?(?:or|/|\||·) ?(?:register|sign up|subscribe|create an account)|"
        r"(?:register|subscribe) ?(?:or|/|\||·) ?(?:sign|log) ?in",
    ),
    (
        "ad marker",
        r"advertisements?|advertising|advertorial|"
        r"sponsored(?: content| links?| stories| by .{0,60})?|"
        r"ads?(?: by .{0,40})?|paid (?:content|partner|post).{0,60}|promoted(?: stories| content)?|"
        r"(?:story|article) continues (?:below|after).{0,40}|scroll (?:down )?to continue.{0,40}|"
        r"skip (?:this )?ad|partner content|presented by .{0,60}",
    ),
    (
        "cookie or policy line",
        r".{0,60}\b(?:we|this (?:web)?site|our (?:web)?site)\b.{0,40}"
        r"\b(?:uses?|using) cookies\b.{0,160}|"
        r"accept(?: all)? cookies|"
        r"cookies? (?:policy|settings|preferences|notice)|privacy (?:policy|notice|settings)|"
        r"terms (?:of (?:use|service)|and conditions|& conditions)|"
        rf"(?:{_LINKS})(?:[\s|·•/,]+(?:{_LINKS}))+|"
        r".{0,80}all rights reserved.{0,80}|copyright (?:©|\(c\) ?)?\d{4}\b.{0,100}|"
        r"(?:©|\(c\)) ?.{0,100}|"
        r"by (?:using|continuing to use) (?:this|our) (?:site|website).{0,120}",
    ),
    (
        "navigation word",
        r"skip to (?:main )?content|jump to (?:navigation|content)|back to top|menu|"
        r"(?:main )?navigation|search|close|home|more|toggle navigation|"
        r"print(?: this (?:article|page|story))?|email this(?: article| story)?|"
        r"(?:text|font) size|a\+? ?a-?|listen to (?:this )?article.{0,30}|"
        r"loading\.*|please wait\.*|javascript is (?:disabled|required).{0,100}|"
        r"(?:please )?enable javascript.{0,100}|tags?|filed under.{0,80}|categories",
    ),
    (
        "image credit",
        r"image (?:copyright|source|credit).{0,80}|(?:photo|picture|image) ?(?:credit)?: ?.{0,60}|"
        r"getty images|(?:photograph|photo): .{0,60}",
    ),
)
PHRASE_RES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (why, re.compile(rf"(?:{pattern})", re.IGNORECASE)) for why, pattern in PHRASES
)
BLOCK_STARTERS = frozenset({"comment form phrase", "related-posts heading"})
SENTENCE_SAFE = frozenset({"comment form phrase", "cookie or policy line"})
"""Categories that may match a paragraph shaped like a sentence (ends with ``.``, > 6 words);
the others are prompts and headings, and a sentence that happens to fit them is prose."""


def _combined(rules: tuple[tuple[str, str], ...]) -> tuple[re.Pattern[str], dict[str, str]]:
    """One alternation of ``rules`` with a named group each (the patterns have no groups).

    ``fullmatch`` backtracks into the next alternative only when the earlier ones cannot match
    the whole paragraph, so the first matching rule wins, as in a loop over the rules.
    """
    names = {f"r{i}": why for i, (why, _) in enumerate(rules)}
    alternation = "|".join(f"(?P<r{i}>{pattern})" for i, (_, pattern) in enumerate(rules))
    return re.compile(alternation, re.IGNORECASE), names


PHRASE_RE, PHRASE_NAMES = _combined(PHRASES)
"""All phrase rules in one pattern (:data:`PHRASE_RES` order)."""
SENTENCE_PHRASE_RE, SENTENCE_PHRASE_NAMES = _combined(
    tuple(rule for rule in PHRASES if rule[0] in SENTENCE_SAFE)
)
"""The phrase rules that may match a sentence-shaped paragraph."""

FLOATING: tuple[tuple[str, str], ...] = (
    ("newsletter", r".{0,60}\b(?:sign up|subscribe|get|receive|join)\b.{0,40}newsletters?.{0,60}|"),
    ("newsletter", r".{0,40}newsletters?.{0,20}\b(?:sign up|subscribe)\b.{0,40}|"),
    (
        "cookies",
        r".{0,60}\b(?:we|this (?:web)?site|our (?:web)?site)\b.{0,40}"
        r"\b(?:uses?|using) cookies\b.{0,160}|",
    ),
    ("all rights reserved", r".{0,80}all rights reserved.{0,80}|"),
)
"""``(keyword, branch)``: the :data:`PHRASES` branches that may start anywhere in a paragraph.

They cost most of a failed ``fullmatch`` (``.{0,60}`` is retried at every offset), and each
needs its keyword: an ASCII paragraph without any keyword (in lower case) is matched without
them. ASCII only, where ignoring case is ``str.lower`` (``ſ`` matches ``s`` in a pattern).
"""
FLOATING_KEYWORDS = tuple(dict.fromkeys(keyword for keyword, _ in FLOATING))


def _without_floating(rules: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    out = []
    for why, pattern in rules:
        for _, branch in FLOATING:
            pattern = pattern.replace(branch, "")
        out.append((why, pattern))
    return tuple(out)


ANCHORED_PHRASE_RE, _ = _combined(_without_floating(PHRASES))
""":data:`PHRASE_RE` without the :data:`FLOATING` branches (same rule names)."""
ANCHORED_SENTENCE_PHRASE_RE, _ = _combined(
    _without_floating(tuple(rule for rule in PHRASES if rule[0] in SENTENCE_SAFE))
)
""":data:`SENTENCE_PHRASE_RE` without the :data:`FLOATING` branches (same rule names)."""

EDGE_RE = re.compile(r"^[\s\W_]+|[\s:*.!|>»›•·\-–—]+$")
"""Edge junk around a phrase (leading non-word characters, trailing marks); see :func:`_core`."""
EDGE_LEAD_RE = re.compile(r"[\s\W_]+")
SPACES = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())
"""Every character ``\\s`` matches (the last is U+3000; a test checks the whole range)."""
EDGE_TAIL = SPACES + ":*.!|>»›•·-–—"
"""The characters of :data:`EDGE_RE`'s trailing class, for ``str.rstrip``."""
SCRIPT_RE = re.compile(
    r"function\s*\(|\bvar\s+\w+\s*=|\b(?:document|window)\.\w|googletag|adsbygoogle|"
    r"\bjQuery\b|\$\(\s*['\"]|\}\s*\)\s*;|=>\s*\{|</?script|<!--|-->|\bgtag\(|dataLayer|"
    r"\.push\(\s*\{|@media\b|\{\s*[a-z-]+\s*:\s*[^;{}]+;",
)
SCRIPT_MARKS = "{}();="
"""Code punctuation: a paragraph with fewer than three of these is not script debris."""
SCRIPT_HINTS = tuple(
    "= { } function $( document. window. googletag adsbygoogle jQuery dataLayer @media script "
    "<!-- --> gtag(".split()
)
"""Every :data:`SCRIPT_RE` match holds one of these: prose without them is not searched (the
pattern has no common literal, so a search tries every alternative at every position)."""
CJK_RE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
PAGE_EVIDENCE = 10
"""Paragraphs other rules removed before a text counts as a whole page (a page's header,
menus and footer give dozens; a clean article none)."""
PAGE_MIN_PARAGRAPHS = 30
"""A text with fewer live paragraphs is an article, not a whole page."""
PAGE_MAX_PROSE_SHARE = 0.5
"""...and so is one where at least half of them are prose."""
PAGE_GAP = 6
"""Non-prose paragraphs allowed between two prose paragraphs of one cluster."""
PAGE_KEEP_SHARE = 0.3
"""Clusters with this share of the biggest cluster's words are article text too."""
PROSE_WORDS = 15
PROSE_LONG_WORDS = 30
SENTENCE_END_RE = re.compile(r"[.!?。！？…؟][\"'”’»)\]]*$")
SENTENCE_TAIL = "\"'”’»)]\n"
"""What may follow a :data:`SENTENCE_END_RE` end character: its closers and a final break."""
DIGIT_RE = re.compile(r"\d")


def _phrase(paragraph: str, words: int) -> str | None:
    if len(paragraph) > 400 or words > PHRASE_MAX_WORDS:
        return None
    core = _core(paragraph)
    if not core:
        return None
    floating = not core.isascii() or any(map(core.lower().__contains__, FLOATING_KEYWORDS))
    if words > 6 and _ends_sentence(paragraph):
        pattern = SENTENCE_PHRASE_RE if floating else ANCHORED_SENTENCE_PHRASE_RE
        match = pattern.fullmatch(core)
        return SENTENCE_PHRASE_NAMES[match.lastgroup or ""] if match else None
    match = (PHRASE_RE if floating else ANCHORED_PHRASE_RE).fullmatch(core)
    return PHRASE_NAMES[match.lastgroup or ""] if match else None


def _core(paragraph: str) -> str:
    """``EDGE_RE.sub("", paragraph)`` without trying the ``$`` branch at every position.

    The ``^`` branch can only match at the start; the ``$`` branch then matches the run of
    trailing characters after it (a final line break is whitespace, so it is in the run).
    """
    lead = EDGE_LEAD_RE.match(paragraph)
    return paragraph[lead.end() if lead else 0 :].rstrip(EDGE_TAIL)


def _script(paragraph: str) -> bool:
    # The character count is cheap and rules out nearly all prose before the regex runs.
    if paragraph.isascii():
        # One pass that deletes the marks, instead of a pass per mark.
        kept = paragraph.encode("ascii").translate(None, SCRIPT_MARKS.encode("ascii"))
        marks = len(paragraph) - len(kept)
    else:
        marks = sum(map(paragraph.count, SCRIPT_MARKS))
    return (
        marks >= 3
        and any(map(paragraph.__contains__, SCRIPT_HINTS))
        and SCRIPT_RE.search(paragraph) is not None
    )


def _ends_sentence(paragraph: str) -> bool:
    """``SENTENCE_END_RE.search(paragraph)``, searched only where a match can start.

    A match is an end character followed by nothing but closers (and a final line break), so
    it can only start just before the run of closers at the end.
    """
    start = len(paragraph.rstrip(SENTENCE_TAIL)) - 1
    return SENTENCE_END_RE.search(paragraph, max(0, start)) is not None


def _titleish(paragraph: str) -> bool:
    """A short line without sentence punctuation: a post title, a form field, a date.

    Table rows (mostly digits) and cut prose (a sentence end inside) are not post titles.
    """
    if len(paragraph.split()) > BLOCK_MAX_WORDS or _ends_sentence(paragraph):
        return False
    if INNER_SENTENCE_RE.search(paragraph):
        return False
    digits = sum(map(str.isdigit, paragraph))
    return digits < 0.3 * len(paragraph.replace(" ", ""))


def _nav_item(paragraph: str) -> bool:
    return (
        len(paragraph.split()) <= NAV_MAX_WORDS
        and not DIGIT_RE.search(paragraph)
        and not _ends_sentence(paragraph)
        and not paragraph.endswith((",", ";", ":"))
    )


def strip_boilerplate(
    text: str, frequent: frozenset[int], config: CleanConfig
) -> tuple[str, list[Edit]]:
    """Remove boilerplate paragraphs (phrase rules, blocks, corpus frequency, menus).

    Args:
        text: Reflowed text (paragraphs separated by ``"\\n\\n"``).
        frequent: Census keys that are boilerplate (:meth:`LineCensus.frequent`).
        config: ``boilerplate_phrases``, ``boilerplate_max_words`` and
            ``boilerplate_nav_run`` apply.

    Returns:
        The text without boilerplate and one edit per removed paragraph.

    >>> body = "Talks resumed on Monday.\\n\\nShare this:\\n\\nLeave a Reply\\n\\nName *"
    >>> strip_boilerplate(body, frozenset(), CleanConfig())[0]
    'Talks resumed on Monday.'
    """
    kept, edits = _strip_boilerplate(text.split("\n\n"), frequent, config, {})
    return ("\n\n".join(kept) if edits else text), edits


def _own_reason(
    paragraph: str, words: int, frequent: frozenset[int], config: CleanConfig
) -> str | None:
    """Why ``paragraph`` is boilerplate whatever its neighbours are (phrase, script, census)."""
    why = None
    if config.boilerplate_phrases:
        why = _phrase(paragraph, words)
        if why is None and _script(paragraph):
            why = SCRIPT
    if (
        why is None
        and frequent
        and words <= config.boilerplate_max_words
        and line_key(paragraph) in frequent
    ):
        why = FREQUENT
    return why


def _strip_boilerplate(
    paragraphs: list[str],
    frequent: frozenset[int],
    config: CleanConfig,
    memo: dict[str, tuple[int, str | None]],
) -> tuple[list[str], list[Edit]]:
    """:func:`strip_boilerplate` on the text's paragraphs (its ``"\\n\\n"`` split), with
    ``memo`` keeping each paragraph's word count and :func:`_own_reason` across the cleaning
    passes of one article (same ``frequent`` and ``config``). Returns the kept paragraphs as
    the split of the text :func:`strip_boilerplate` returns: ``paragraphs`` itself when
    nothing was removed."""
    reasons: list[str | None] = [None] * len(paragraphs)
    in_block = False
    # Word counts are only compared with limits up to this: counting stops one word past it.
    most = max(PHRASE_MAX_WORDS, config.boilerplate_max_words)
    for i, paragraph in enumerate(paragraphs):
        known = memo.get(paragraph)
        if known is None:
            words = len(paragraph.split(None, most))
            known = memo[paragraph] = (words, _own_reason(paragraph, words, frequent, config))
        words, why = known
        if (why is None or why == FREQUENT) and in_block and _titleish(paragraph):
            # Structure first: a post title under "Related Posts" is the block's, whether or
            # not the census also saw it (the census may not remove a line with figures).
            why = IN_BLOCK
        if why in BLOCK_STARTERS:
            # Only a bare heading ("Related Posts", "Leave a Reply") opens a block; a line
            # that carries its own link ("Read more: Budget row deepens") does not.
            in_block = words <= BLOCK_HEADING_WORDS
        elif why is None:
            in_block = False
        reasons[i] = why
    if frequent:
        _protect_figures(paragraphs, reasons)
        signoff = _mark_signoff(paragraphs, reasons, frequent)
    else:
        signoff = None
    _mark_comment_thread(paragraphs, reasons)
    if reasons.count(None) == len(reasons) and signoff is None:
        # The usual case: nothing found, and the rules below all need furniture found first.
        return paragraphs, []
    _cap_blocks(reasons)
    _keep_code_listings(paragraphs, reasons)
    run = config.boilerplate_nav_run
    # Menus are only looked for on pages that show furniture already: a clean article's
    # list of fixtures or names is content.
    if run and len(reasons) - reasons.count(None) >= NAV_EVIDENCE:
        _mark_nav_runs(paragraphs, reasons, run)
    if config.boilerplate_page_trim and len(reasons) - reasons.count(None) >= PAGE_EVIDENCE:
        _trim_page(paragraphs, reasons)
    if None not in reasons:
        signoff = None
        # Frequency is evidence about a line, not proof: when every paragraph left is a
        # repeated one (a feed of one-line briefs, a template-only article), the repeated
        # lines are the article itself, and frequency alone must not empty it.
        reasons = [None if why in (FREQUENT, SIGNOFF) else why for why in reasons]
    kept = [p for p, why in zip(paragraphs, reasons, strict=True) if why is None]
    edits = [
        Edit(STEP, f'removed "{_short(p)}" ({why})')
        for p, why in zip(paragraphs, reasons, strict=True)
        if why is not None
    ]
    if signoff is not None:
        kept[-1] = kept[-1][: -len(signoff)].rstrip()
        edits.append(Edit(STEP, f'removed "{signoff.strip()}" ({SIGNOFF})'))
    if not edits:
        return paragraphs, []
    return kept or [""], edits


def _mark_comment_thread(paragraphs: list[str], reasons: list[str | None]) -> None:
    """Readers' comments under a post: from the first of at least two comment headers
    (``Alex on September 17, 2018 at 6:34 am said:``, a name, a date or time, and ``said:``)
    to the end. A reporter's ``The minister said:`` carries no date and opens no thread."""
    # A header ends with a colon: the test spares nearly every paragraph the regex.
    headers = [
        i
        for i, paragraph in enumerate(paragraphs)
        if paragraph.endswith(":")
        and len(paragraph) <= COMMENT_HEADER_CHARS
        and COMMENT_HEADER_RE.search(paragraph)
    ]
    if len(headers) < COMMENT_HEADERS:
        return
    for i in range(headers[0], len(paragraphs)):
        if reasons[i] is None:
            reasons[i] = COMMENT_THREAD


def _keep_code_listings(paragraphs: list[str], reasons: list[str | None]) -> None:
    """Code between paragraphs of prose is a tutorial's listing, the author's: scraped script
    debris sits in a blob above or below the article, not interleaved with its prose."""
    code = [i for i, why in enumerate(reasons) if why == SCRIPT]
    if len(code) < CODE_LISTINGS:
        return
    if any(_prose(paragraphs[i]) for i in range(code[0] + 1, code[-1]) if reasons[i] is None):
        for i in code:
            reasons[i] = None


def _cap_blocks(reasons: list[str | None]) -> None:
    """A run of more than ``BLOCK_MAX_ITEMS`` title-like lines after a heading is a list of
    the article's own (fixtures, names), not a few related links: it stays."""
    start = None
    for i in range(len(reasons) + 1):
        if i < len(reasons) and reasons[i] == IN_BLOCK:
            start = i if start is None else start
            continue
        if start is not None and i - start > BLOCK_MAX_ITEMS:
            for j in range(start, i):
                reasons[j] = None
        start = None


FOOTER_EVIDENCE = 2
"""Lines removed on their own evidence (phrase, script, block) that a page's trailing run needs
before a repeated line with figures in it goes."""


def _protect_figures(paragraphs: list[str], reasons: list[str | None]) -> None:
    """Frequency never removes a line that carries figures, a sentence, or a table's own
    furniture (``Nine mths``, ``Year`` next to rows of figures): those are the author's.

    Except in the page's footer: a repeated line with figures or a sentence in the article's
    trailing run of furniture (nothing but removed lines after it, and at least
    :data:`FOOTER_EVIDENCE` lines in the run removed on their own evidence, not the census's
    alone) is the site's (``Copyright ... Registered office: 1 Quay Street.``). A wire's
    ``Pay April 1`` / ``Record March 15`` before its sign-off is not."""
    protected = []
    for i, why in enumerate(reasons):
        if why != FREQUENT:
            continue
        paragraph = paragraphs[i]
        if DIGIT_RE.search(paragraph) or (
            _ends_sentence(paragraph) and len(paragraph.split()) >= PROSE_SENTENCE_WORDS
        ):
            reasons[i] = None
            protected.append(i)
            continue
        neighbours = paragraphs[max(0, i - 1) : i] + paragraphs[i + 1 : i + 2]
        if any(_figures_row(p) for p in neighbours):
            reasons[i] = None
    if not protected:
        return
    start = len(reasons)
    while start and (reasons[start - 1] is not None or start - 1 in protected):
        start -= 1
    footer = [i for i in protected if i >= start]
    own = sum(1 for why in reasons[start:] if why is not None and why != FREQUENT)
    if footer and own >= FOOTER_EVIDENCE:
        for i in footer:
            reasons[i] = FREQUENT


def _figures_row(paragraph: str) -> bool:
    """A row of a table: a short line with a number (``Shr loss 5.33 dlrs``) or a longer one
    with two (``Shr 40 cts vs 35 cts``)."""
    numbers = len(NUMBER_RE.findall(paragraph))
    words = len(paragraph.split())
    return (numbers >= 1 and words <= SHORT_ROW_WORDS) or (
        numbers >= ROW_MIN_NUMBERS and words <= ROW_MAX_WORDS
    )


def _mark_signoff(
    paragraphs: list[str], reasons: list[str | None], frequent: frozenset[int]
) -> str | None:
    """Mark the last paragraph as a sign-off when its text ends many of the source's articles
    (an end key in ``frequent``); when the sign-off is glued to the last sentence
    (``... said. Reuter``), return that tail for the caller to cut."""
    last = len(paragraphs) - 1
    while last >= 0 and reasons[last] is not None and reasons[last] != FREQUENT:
        last -= 1
    if last < 0:
        return None
    paragraph = paragraphs[last]
    key = end_key(paragraph)
    if key is not None and key in frequent:
        reasons[last] = SIGNOFF
        return None
    if last != len(paragraphs) - 1 or reasons[last] is not None:
        return None
    match = SIGNOFF_TAIL_RE.search(paragraph)
    if match and end_key(match.group(1)) in frequent:
        return match.group(0)
    return None


def _mark_nav_runs(paragraphs: list[str], reasons: list[str | None], run: int) -> None:
    """Mark runs of ``run`` or more menu-like paragraphs.

    Paragraphs already removed by other rules bridge a run, and a run must hold at least one
    of them between its items (``Home``, ``Search``, an ad marker) or open the text: a list of
    fixtures or names in the middle of an article, next to furniture but not mixed with it,
    stays.
    """
    start = None
    for i in range(len(paragraphs) + 1):
        nav = i < len(paragraphs) and (reasons[i] is not None or _nav_item(paragraphs[i]))
        if nav:
            start = i if start is None else start
            continue
        if start is not None:
            items = [j for j in range(start, i) if reasons[j] is None]
            # Furniture must sit between menu items, not only at the run's edges.
            inner = items and any(reasons[j] in MENU_FURNITURE for j in range(items[0], items[-1]))
            if len(items) >= run and (inner or start == 0):
                for j in items:
                    reasons[j] = f"menu: {len(items)} short items in a row"
        start = None


def _prose(paragraph: str) -> bool:
    words = len(paragraph.split()) + len(CJK_RE.findall(paragraph)) // 2
    return words >= PROSE_LONG_WORDS or (words >= PROSE_WORDS and _ends_sentence(paragraph))


def _trim_page(paragraphs: list[str], reasons: list[str | None]) -> None:
    """On a whole-page scrape, keep the main run of prose and what sits inside it.

    A page is a text of at least ``PAGE_MIN_PARAGRAPHS`` paragraphs, most of them short
    non-prose lines. Prose paragraphs separated by at most ``PAGE_GAP`` other paragraphs form
    a cluster; the cluster with the most prose words is the article, and so is any cluster
    with at least ``PAGE_KEEP_SHARE`` of its words. Everything before the first and after the
    last kept prose paragraph goes (header, related links, comments, footer); headings and
    captions between kept prose paragraphs stay.
    """
    live = [i for i, why in enumerate(reasons) if why is None]
    if len(live) < PAGE_MIN_PARAGRAPHS:
        return
    prose = [i for i in live if _prose(paragraphs[i])]
    if not prose or len(prose) > PAGE_MAX_PROSE_SHARE * len(live):
        return
    clusters: list[list[int]] = [[prose[0]]]
    position = {i: n for n, i in enumerate(live)}
    for i in prose[1:]:
        if position[i] - position[clusters[-1][-1]] - 1 > PAGE_GAP:
            clusters.append([i])
        else:
            clusters[-1].append(i)
    weights = [sum(len(paragraphs[i].split()) for i in c) for c in clusters]
    best = max(weights)
    keep = [c for c, w in zip(clusters, weights, strict=True) if w >= PAGE_KEEP_SHARE * best]
    spans = [(c[0], c[-1]) for c in keep]
    for i in live:
        if not any(first <= i <= last for first, last in spans):
            reasons[i] = "outside the article's main text (whole-page scrape)"


def _short(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
