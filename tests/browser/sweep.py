"""The accessibility sweep's crawler and checks, kept apart from the test so the test reads as what it
proves.

For one browser context (one user, one language) a `Crawl` starts at the given paths, follows every
same-origin link breadth first, and sweeps each kind of page (its resolved URL name) once: axe-core, reflow at
320 px and at 200 % zoom, labelled fields, one h1 and the page's language; a sample of Tab stops per kind of
page for visible focus. Forms on an explicit list are submitted once empty, and their error state is swept
too, with its summary checked. Findings are collected, not raised, so one run lists everything that is wrong.

Crawls are generators that pause while axe-core runs in their page, so that `interleave` can load the next
page of another crawl meanwhile: the live server (this process) and each page's renderer (a process of its
own) then work at the same time, on a machine with two cores.
"""

from __future__ import annotations

import json
import os
import time
from collections import deque
from collections.abc import Generator, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urlsplit

from django.urls import Resolver404, get_resolver, resolve
from playwright.sync_api import CDPSession, Page
from playwright.sync_api import Error as PlaywrightError

from ..core.test_page_access import url_names
from .conftest import AXE_RUN_JS, AXE_TAGS, load_axe

# A crawl's steps: it yields whenever it has started something in the browser that takes a while.
Steps = Generator[None, None, None]

DESKTOP = {"width": 1280, "height": 900}
# WCAG 1.4.10: content reflows at 320 CSS px (a 1280 px window at 400 %).
REFLOW = {"width": 320, "height": 640, "deviceScaleFactor": 1}
# A 1280 × 800 window at 200 % zoom: 640 × 400 CSS px on a device pixel ratio of 2.
ZOOM = {"width": 640, "height": 400, "deviceScaleFactor": 2}

# URL names that are never visited: they change state, answer something other than a page, or leave Vegviser.
SKIPPED_NAMES = frozenset({"set_language", "accounts:logout", "accounts:keepalive", "core:healthz"})
DOWNLOAD_SUFFIXES = (".pdf", ".ics", ".json", ".csv")
# URL names whose every address is a page of its own (an information page per slug), not one more object.
PAGE_PER_ADDRESS = frozenset({"public:page"})
# Public pages show everyone the same content: swept as anonymous and as the first signed-in user (whose
# header and menu every other user's own pages sweep anyway). So is the page for a missing address.
SHARED_NAMESPACES = frozenset({"public"})
# The published statistics, the same for everyone who may see them (a leader's dashboard is their own).
SHARED_PAGES = frozenset({"indicators:public", "indicators:definitions"})
# The page a broken or mistyped address shows: swept like the shared pages.
NOT_FOUND_PATH = "/no-such-page/"
NOT_FOUND = "404 page"
# Documents in the person's language whatever the reader's: their lang says so, and must be one of ours.
DOCUMENT_PAGES = frozenset(
    {
        "plans:plan_print",
        "intake:decision_letter",
        "referrals:letter_person",
        "referrals:letter_referrer",
        "referrals:breach_letter",
        "episodes:discharge_summary",
    }
)

# Problems known and left to be fixed elsewhere: listed in the summary, not failed on. Each says why.
KNOWN_PROBLEMS: dict[tuple[str, str], str] = {}

# Forms whose empty submit is refused with errors, so the POST changes nothing: their error state is swept
# too, once per language, by the first user who reaches them.
EMPTY_SUBMIT = frozenset(
    {
        "accounts:login",
        "intake:report_create",
        "registry:person_create",
        "plans:goal_add",
        "plans:meeting_create",
        "referrals:referral_register",
        "referrals:ask_referrer",
        "episodes:episode_create",
    }
)

# Tab stops sampled per kind of page: the first ones of the page (skip link, header, menu), then the first of
# the main content.
FOCUS_HEADER_STOPS = 6
FOCUS_MAIN_STOPS = 8


@dataclass(frozen=True)
class Finding:
    page: str  # the kind of page, and the error state where it is one
    path: str
    user: str
    language: str
    problem: str


@dataclass
class Sweep:
    """Everything found, and what was swept, over all users and languages."""

    origin: str
    languages: tuple[str, ...]
    findings: list[Finding] = field(default_factory=list)
    # (user, language) -> the kinds of page swept, error states included
    swept: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    # kinds of page whose focus indicators were sampled: once each over the whole sweep
    focus_sampled: set[str] = field(default_factory=set)
    focus_stops: int = 0
    # (kind of page, language) of the forms submitted empty
    submitted: set[tuple[str, str]] = field(default_factory=set)
    # (kind of page, language, signed in) of the shared pages swept
    shared: set[tuple[str, str, bool]] = field(default_factory=set)
    # where the time goes: step -> seconds of waiting in this process
    steps: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def timed(self, step: str) -> Iterator[None]:
        started = time.monotonic()
        try:
            yield
        finally:
            self.steps[step] = self.steps.get(step, 0.0) + time.monotonic() - started

    def report(self, page: str, path: str, user: str, language: str, problem: str) -> None:
        self.findings.append(Finding(page, path, user, language, problem))

    @staticmethod
    def known(finding: Finding) -> tuple[str, str] | None:
        """The entry of KNOWN_PROBLEMS a finding falls under, or None."""
        for page, start in KNOWN_PROBLEMS:
            if finding.page == page and finding.problem.startswith(start):
                return (page, start)
        return None

    def known_counts(self) -> dict[tuple[str, str], int]:
        counts: dict[tuple[str, str], int] = {}
        for finding in self.findings:
            key = self.known(finding)
            if key is not None:
                counts[key] = counts.get(key, 0) + 1
        return counts

    @property
    def failures(self) -> list[Finding]:
        return [finding for finding in self.findings if self.known(finding) is None]

    def failure_message(self) -> str:
        """One line per problem, kind of page and user, with the languages it was found in."""
        grouped: dict[tuple[str, str, str], tuple[str, list[str]]] = {}
        for finding in self.failures:
            _path, languages = grouped.setdefault(
                (finding.page, finding.user, finding.problem), (finding.path, [])
            )
            if finding.language not in languages:
                languages.append(finding.language)
        lines = [f"{len(self.failures)} problem(s), {len(grouped)} by kind of page and user:"]
        for (page, user, problem), (path, languages) in sorted(grouped.items()):
            lines.append(f"- {page} ({path}) | {user} | {','.join(languages)} | {problem}")
        return "\n".join(lines)

    def figures(self, seconds: float, cpu: dict[str, float]) -> dict[str, Any]:
        per_user: dict[str, dict[str, int]] = {}
        for (user, language), pages in self.swept.items():
            per_user.setdefault(user, {})[language] = len(pages)
        return {
            "pages_per_user_and_language": per_user,
            "page_views": sum(len(pages) for pages in self.swept.values()),
            "kinds_of_page": len({name for pages in self.swept.values() for name in pages}),
            "users": len(per_user),
            "languages": list(self.languages),
            "focus_kinds_sampled": len(self.focus_sampled),
            "focus_stops_checked": self.focus_stops,
            "forms_submitted_empty": len(self.submitted),
            "seconds": round(seconds, 1),
            "cpu_seconds": {name: round(value, 1) for name, value in cpu.items()},
            "seconds_waited_per_step": {step: round(value, 1) for step, value in self.steps.items()},
            "problems": len(self.failures),
            "known_problems": len(self.findings) - len(self.failures),
            "kinds_not_reached": self.not_reached(),
        }

    def not_reached(self) -> list[str]:
        """URL names no crawl swept: downloads, actions, and pages only a form or a filter leads to."""
        swept = {kind.split(" ")[0] for pages in self.swept.values() for kind in pages}
        return sorted(url_names(get_resolver()) - swept - SKIPPED_NAMES)

    def summary_lines(self, figures: dict[str, Any], path: Path) -> list[str]:
        lines = [
            f"{user:>14}: " + " ".join(f"{language} {count}" for language, count in languages.items())
            for user, languages in figures["pages_per_user_and_language"].items()
        ]
        cpu = ", ".join(f"{name} {value:.0f} s" for name, value in figures["cpu_seconds"].items())
        lines += [
            f"{figures['page_views']} pages × languages swept ({figures['kinds_of_page']} kinds of page; "
            f"{figures['users']} users including anonymous; {', '.join(figures['languages'])}) "
            f"in {figures['seconds']:.0f} s (CPU: {cpu})",
            f"focus indicators checked on {figures['focus_stops_checked']} Tab stops over "
            f"{figures['focus_kinds_sampled']} kinds of page; "
            f"{figures['forms_submitted_empty']} empty submits; "
            f"{figures['problems']} problem(s), {figures['known_problems']} known",
            f"never reached by a link: {', '.join(figures['kinds_not_reached']) or 'none'}",
            *(
                f"known: {page}: {start} ({count} times): {KNOWN_PROBLEMS[(page, start)]}"
                for (page, start), count in self.known_counts().items()
            ),
            f"summary: {path}",
        ]
        return lines

    def write(self, path: Path, figures: dict[str, Any]) -> None:
        data = {
            **figures,
            "swept": {f"{user}/{language}": pages for (user, language), pages in self.swept.items()},
            "findings": [
                {**asdict(finding), "known": KNOWN_PROBLEMS.get(self.known(finding) or ("", ""))}
                for finding in self.findings
            ],
        }
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")


def cpu_seconds() -> dict[str, float]:
    """CPU time used so far by this process (the test and the live server) and by its descendants (the browser
    and Playwright's driver), from Linux's /proc; empty elsewhere. On a busy machine wall time says little."""
    tick = os.sysconf("SC_CLK_TCK")

    def times(pid: int) -> list[int]:
        """utime, stime, cutime and cstime, in clock ticks."""
        text = (Path("/proc") / str(pid) / "stat").read_text()
        return [int(value) for value in text[text.rindex(")") + 2 :].split()[11:15]]

    def tree(pid: int) -> float:
        total = sum(times(pid)) / tick
        for child in (Path("/proc") / str(pid) / "task" / str(pid) / "children").read_text().split():
            with suppress(FileNotFoundError, ProcessLookupError):  # it ended meanwhile
                total += tree(int(child))
        return total

    try:
        own = sum(times(os.getpid())[:2]) / tick
        return {"test and server": own, "browser": tree(os.getpid()) - own}
    except OSError:
        return {}


def page_kind(url: str, origin: str) -> str | None:
    """The kind of page a same-origin link leads to (its URL name), or None for what is never visited."""
    parts = urlsplit(urldefrag(url).url)
    if f"{parts.scheme}://{parts.netloc}" != origin:
        return None
    if parts.path.startswith("/static/") or parts.path.endswith(DOWNLOAD_SUFFIXES):
        return None
    try:
        match = resolve(parts.path)
    except Resolver404:
        return "404"
    if match.view_name in SKIPPED_NAMES:
        return None
    if match.view_name in PAGE_PER_ADDRESS:
        return f"{match.view_name} {'/'.join(str(value) for value in match.kwargs.values())}"
    return match.view_name


def interleave(crawls: Iterable[Steps]) -> None:
    """Run the crawls' steps in turns until all have ended."""
    running = deque(crawls)
    while running:
        crawl = running.popleft()
        try:
            next(crawl)
        except StopIteration:
            continue
        running.append(crawl)


# One round trip for the facts of a page: its language, its h1s, its unlabelled fields and its links.
PAGE_FACTS_JS = """() => {
  const shown = el => {
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    return style.visibility !== "hidden" && style.display !== "none" && (box.width > 0 || box.height > 0);
  };
  const text = id => (document.getElementById(id)?.textContent || "").trim();
  const name = el => {
    const labelledby = (el.getAttribute("aria-labelledby") || "").split(/\\s+/).filter(Boolean);
    const candidates = [
      labelledby.map(text).join(" "),
      el.getAttribute("aria-label") || "",
      ...[...(el.labels || [])].map(label => label.textContent),
      el.getAttribute("title") || "",
    ];
    return candidates.map(candidate => candidate.trim()).find(Boolean) || "";
  };
  const describe = el => el.id ? `${el.localName}#${el.id}` : `${el.localName}[name=${el.name}]`;
  const buttons = new Set(["hidden", "submit", "button", "reset", "image"]);
  const fields = [...document.querySelectorAll("input, select, textarea")]
    .filter(el => !buttons.has(el.type) && shown(el));
  return {
    lang: document.documentElement.lang,
    h1: document.querySelectorAll("h1").length,
    unlabelled: fields.filter(el => !name(el)).map(describe),
    links: [...document.querySelectorAll("a[href]:not([download])")].map(a => a.href),
  };
}"""

# Is the page wider than the window? If so, which elements stick out (outside any scrolling container).
OVERFLOW_JS = """() => {
  const width = window.innerWidth;
  const scrollWidth = document.documentElement.scrollWidth;
  if (scrollWidth <= width) return null;
  const contained = el => {
    for (let node = el.parentElement; node && node !== document.body; node = node.parentElement) {
      if (getComputedStyle(node).overflowX !== "visible") return true;
    }
    return false;
  };
  const describe = el => {
    const classes = [...el.classList].slice(0, 2).map(name => "." + name).join("");
    const text = (el.textContent || "").trim().replace(/\\s+/g, " ").slice(0, 40);
    return `${el.localName}${el.id ? "#" + el.id : ""}${classes} "${text}"`;
  };
  const wide = [...document.body.querySelectorAll("*")]
    .filter(el => el.getBoundingClientRect().right > width + 1 && !contained(el));
  // The innermost ones are the culprits; their ancestors only hold them.
  const innermost = wide.filter(el => !wide.some(other => other !== el && el.contains(other)));
  return {scrollWidth, width, culprits: innermost.slice(0, 4).map(describe)};
}"""

# The error summary after an empty submit: before the fields, focusable (and focused), each link to a field.
ERROR_SUMMARY_JS = """() => {
  const summary = document.querySelector("main [data-error-summary], main [role=alert]");
  if (!summary) return null;
  const first = document.querySelector("main :is(input:not([type=hidden]), select, textarea)");
  return {
    before: !first || Boolean(summary.compareDocumentPosition(first) & Node.DOCUMENT_POSITION_FOLLOWING),
    focusable: summary.hasAttribute("tabindex") || summary.matches("a[href], button, input, select"),
    focused: document.activeElement === summary,
    links: [...summary.querySelectorAll("a[href]")].map(a => {
      const href = a.getAttribute("href");
      const target = href.startsWith("#") ? document.getElementById(decodeURIComponent(href.slice(1))) : null;
      return {href, field: Boolean(target?.matches("input, select, textarea"))};
    }),
  };
}"""

# Focus indicators. An element's look: the outline and box shadow of the element, its parent and grandparent
# (Designsystemet rings a checkbox's or radio button's whole field), and whether it is on screen at all (a
# skip link appears only with focus).
FOCUS_LOOK_JS = """
  const look = el => {
    const rings = [];
    for (let node = el, level = 0; node && level < 3; node = node.parentElement, level++) {
      const style = getComputedStyle(node);
      const outline = style.outlineStyle === "none" || parseFloat(style.outlineWidth) < 1 ? "none"
        : `${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor}`;
      rings.push(outline, style.boxShadow);
    }
    const box = el.getBoundingClientRect();
    return {rings, shown: box.width > 2 && box.height > 2};
  };"""
# Every focusable element's look without focus, keyed by a probe number set on it.
FOCUS_BASELINE_JS = (
    "() => {"
    + FOCUS_LOOK_JS
    + """
  document.activeElement?.blur();
  window.scrollTo(0, 0);
  const baseline = {};
  const focusable = "a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]";
  document.querySelectorAll(focusable).forEach((el, index) => {
      if (el.tabIndex < 0 || el.disabled) return;
      el.dataset.focusProbe = String(index);
      baseline[index] = look(el);
    });
  return baseline;
}"""
)
# The focused element's look.
FOCUS_NOW_JS = (
    "() => {"
    + FOCUS_LOOK_JS
    + """
  const el = document.activeElement;
  if (!el || el.dataset.focusProbe === undefined) return null;
  const text = (el.textContent || el.value || el.name || "").trim().replace(/\\s+/g, " ").slice(0, 30);
  const what = `${el.localName}${el.id ? "#" + el.id : ""} "${text}"`;
  return {probe: el.dataset.focusProbe, look: look(el), what};
}"""
)


def visible_indicator(before: dict[str, Any], after: dict[str, Any]) -> bool:
    """Focus changed how the element (or the field around it) looks: a ring appeared, or it came on screen."""
    if after["shown"] and not before["shown"]:
        return True
    return any(
        now != then and now != "none" for now, then in zip(after["rings"], before["rings"], strict=True)
    )


class Crawl:
    """One user in one language, in a browser tab whose cookies are that user's session (or none) and the
    language's cookie."""

    def __init__(self, sweep: Sweep, page: Page, user: str, language: str, *, signed_in: bool) -> None:
        self.sweep = sweep
        self.user = user
        self.language = language
        self.signed_in = signed_in
        self.page = page
        self.cdp: CDPSession = page.context.new_cdp_session(page)
        self.swept: list[str] = sweep.swept.setdefault((user, language), [])

    def problem(self, kind: str, problem: str, path: str | None = None) -> None:
        path = path or urlsplit(self.page.url).path
        self.sweep.report(kind, path, self.user, self.language, problem)

    def run(self, starts: Iterable[str]) -> Steps:
        origin = self.sweep.origin
        seen: set[str] = set()
        queue: deque[str] = deque()
        for path in starts:
            kind = page_kind(origin + path, origin)
            if kind not in (None, "404"):  # a start page not built (yet) is no failure
                seen.add(kind)
                queue.append(origin + path)
        while queue:
            links = yield from self.visit(queue.popleft(), seen)
            for link in links:
                kind = page_kind(link, origin)
                if kind is not None and kind not in seen:
                    seen.add(kind)
                    queue.append(urldefrag(link).url)
        yield from self.visit(origin + NOT_FOUND_PATH, seen, not_found=True)
        self.cdp.detach()

    def visit(self, url: str, seen: set[str], *, not_found: bool = False) -> Generator[None, None, list[str]]:
        page = self.page
        try:
            with self.sweep.timed("load"):
                response = page.goto(url, wait_until="load")
        except PlaywrightError as error:
            if "Download is starting" not in str(error):  # an attachment: not a page
                self.problem("?", f"could not load: {error}", path=urlsplit(url).path)
            return []
        kind = page_kind(page.url, self.sweep.origin) or "?"
        seen.add(kind)  # where a redirect led
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            return []
        if not_found:
            kind = NOT_FOUND
            if response.status != 404:
                self.problem(kind, f"a missing page answers {response.status}, not 404")
                return []
        elif response.status >= 400:
            self.problem(kind, f"a link leads to an error page ({response.status}): {url}")
            return []
        if kind in self.swept:
            return []  # reached again through a redirect
        if kind == NOT_FOUND or kind.partition(":")[0] in SHARED_NAMESPACES or kind in SHARED_PAGES:
            shared = (kind, self.language, self.signed_in)
            if shared in self.sweep.shared:
                return []
            self.sweep.shared.add(shared)
        links = yield from self.check_page(kind)
        if kind in EMPTY_SUBMIT and (kind, self.language) not in self.sweep.submitted:
            self.sweep.submitted.add((kind, self.language))
            yield from self.submit_empty(kind)
        return links

    def check_page(self, kind: str) -> Generator[None, None, list[str]]:
        """Every check on the current page; its links."""
        self.swept.append(kind)
        page = self.page
        with self.sweep.timed("facts"):
            facts = page.evaluate(PAGE_FACTS_JS)
        if facts["lang"] != self.language and not (
            kind in DOCUMENT_PAGES and facts["lang"] in self.sweep.languages
        ):
            self.problem(kind, f'<html lang="{facts["lang"]}"> on a page in {self.language}')
        if facts["h1"] != 1:
            self.problem(kind, f"{facts['h1']} h1 elements, not exactly one")
        for field_name in facts["unlabelled"]:
            self.problem(kind, f"field without an accessible name: {field_name}")
        # axe-core runs in the page's renderer; other crawls go on meanwhile.
        with self.sweep.timed("axe"):
            load_axe(page)
            page.evaluate(f"tags => {{ window.sweepAxe = ({AXE_RUN_JS})(tags); }}", AXE_TAGS)
        yield
        with self.sweep.timed("axe"):
            result = page.evaluate("() => window.sweepAxe")
        assert result["passes"], f"axe ran no checks on {page.url}"
        for violation in result["violations"]:
            nodes = violation["nodes"]
            targets = ", ".join(" ".join(node["target"]) for node in nodes[:3])
            self.problem(
                kind,
                f"axe {violation['id']} ({violation['impact']}): {violation['help']} — {targets}"
                + (f" and {len(nodes) - 3} more" if len(nodes) > 3 else ""),
            )
        if kind not in self.sweep.focus_sampled:
            self.sweep.focus_sampled.add(kind)
            with self.sweep.timed("focus"):
                self.focus(kind)
        with self.sweep.timed("reflow"):
            self.reflow(kind)
        links: list[str] = facts["links"]
        return links

    def reflow(self, kind: str) -> None:
        """No horizontal scrolling at 320 px, nor at 200 % zoom; then back to the desktop window."""
        for label, metrics in (("at 320 px", REFLOW), ("at 200 % zoom", ZOOM)):
            self.cdp.send("Emulation.setDeviceMetricsOverride", {**metrics, "mobile": False})
            overflow = self.page.evaluate(OVERFLOW_JS)
            if overflow:
                self.problem(
                    kind,
                    f"scrolls sideways {label}: {overflow['scrollWidth']} px content in "
                    f"{overflow['width']} px ({'; '.join(overflow['culprits'])})",
                )
        self.cdp.send("Emulation.clearDeviceMetricsOverride")
        self.page.set_viewport_size(DESKTOP)

    def focus(self, kind: str) -> None:
        """Tab through a sample of the page's stops; each must look different with focus (WCAG 2.4.7)."""
        page = self.page
        baseline = page.evaluate(FOCUS_BASELINE_JS)
        checked: set[str] = set()

        def press(times: int) -> None:
            for _ in range(times):
                page.keyboard.press("Tab")
                now = page.evaluate(FOCUS_NOW_JS)
                if not now or now["probe"] in checked:
                    continue
                checked.add(now["probe"])
                self.sweep.focus_stops += 1
                if not visible_indicator(baseline[now["probe"]], now["look"]):
                    self.problem(kind, f"no visible focus indicator on {now['what']}")

        press(FOCUS_HEADER_STOPS)
        if page.evaluate(
            "() => { const main = document.getElementById('main'); main?.focus(); return !!main; }"
        ):
            press(FOCUS_MAIN_STOPS)
        page.evaluate("() => document.activeElement?.blur()")

    def submit_empty(self, kind: str) -> Steps:
        """Submit the page's form empty, with its own submit button, and sweep the error state it answers."""
        page = self.page
        fields = page.locator("input:not([type=hidden]), select, textarea")
        forms = page.locator("main form[method=post]", has=fields)
        if not forms.count():
            self.problem(kind, "no form to submit empty")
            return
        form = forms.first
        with self.sweep.timed("empty submit"):
            # Past the browser's own checks of required fields, to the server's answer.
            form.evaluate("form => { form.noValidate = true; }")
            typed = "input:not([type=hidden], [type=checkbox], [type=radio], [type=file]), textarea"
            for text in form.locator(typed).all():
                text.fill("")
            with page.expect_navigation():
                form.locator("button[type=submit], input[type=submit]").first.click()
        state = f"{kind} (errors)"
        summary = page.evaluate(ERROR_SUMMARY_JS)
        if summary is None:
            self.problem(state, "no error summary after an empty submit")
        else:
            if not summary["before"]:
                self.problem(state, "the error summary is not before the fields")
            if not summary["focusable"]:
                self.problem(state, "the error summary cannot take focus")
            elif not summary["focused"]:
                self.problem(state, "the error summary does not have focus after the submit")
            if not summary["links"]:
                self.problem(state, "the error summary links to no field")
            for link in summary["links"]:
                if not link["field"]:
                    self.problem(state, f"the error summary's link {link['href']} leads to no field")
        yield from self.check_page(state)
