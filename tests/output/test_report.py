"""``normnews report``: a self-contained page of one run and the trend across runs, checked in
a real headless Chromium (Debian's package, installed by scripts/test)."""

from __future__ import annotations

import html
import json
import re
import shutil
from collections.abc import Sequence
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest

from headless import PageLoad, find_chromium, load_page
from helpers import SAMPLE, near_copy, run_cli, story_text
from normnews.config import load_config
from normnews.output.report import load_manifests, outliers, write_report
from normnews.pipeline import run

DAY = "2026-11-24"
CHARTS = (
    "funnel",
    "edits",
    "removed-share",
    "similarity",
    "clusters",
    "timings",
    "trend-articles",
    "trend-duplicates",
    "trend-rejects",
    "trend-removed",
)
"""Every chart the page draws, whatever the run (an empty run draws empty axes)."""
LOCAL = ("file:", "data:")

CHARTS_DRAWN = """
Array.from(document.querySelectorAll('figure.chart')).map(figure => {
  const svg = figure.querySelector('svg');
  const box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
  return {
    name: figure.dataset.chart,
    width: box.width,
    height: box.height,
    marks: svg ? svg.querySelectorAll('path, rect, line, polyline, use').length : 0,
    text: svg ? svg.querySelectorAll('text').length : 0,
  };
})
"""


@pytest.fixture(scope="module")
def sample_out(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object]]:
    """The sample directory run once with --report."""
    out = tmp_path_factory.mktemp("report") / "out"
    done = run_cli("run", SAMPLE, "--out", out, "--run-date", DAY, "--report", "--workers", "1")
    assert done.code == 0, done.stderr
    return out, done.summary


def test_run_report_writes_the_page_next_to_the_manifest(sample_out):
    """`run --report` writes OUT/_runs/<run_id>.html beside the manifest and names it in the
    summary line."""
    out, summary = sample_out
    page = Path(str(summary["report"]))
    assert page == out / "_runs" / f"{summary['run_id']}.html"
    assert page.is_file()
    assert Path(str(summary["manifest"])).with_suffix(".html") == page


def test_page_is_self_contained(sample_out):
    """The page fetches nothing: no script, no external stylesheet, image or font, and every
    chart is an inline SVG."""
    _, summary = sample_out
    text = Path(str(summary["report"])).read_text(encoding="utf-8")
    assert "<script" not in text.lower()
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", text, re.IGNORECASE)
    assert "<link" not in text.lower() and "@import" not in text
    assert not re.search(r"url\((?!#)", text), "only local url(#id) references"
    figures = re.findall(r'<figure class="chart" data-chart="([^"]+)"><svg', text)
    assert figures == list(CHARTS)
    assert text.count('<figure class="chart"') == len(CHARTS)


def test_page_shows_what_the_issue_asks_for(sample_out):
    """Funnel with reject reasons, edits per step, the articles that lost most with their
    explain line, dedup threshold, timings and trend charts are all on the page."""
    _, summary = sample_out
    text = Path(str(summary["report"])).read_text(encoding="utf-8")
    for reason in ("bad_json", "not_text", "missing_text", "bad_row"):
        assert f"reject: {reason}" in text
    for chart in ("funnel", "edits", "removed-share", "similarity", "clusters", "timings"):
        assert f'data-chart="{chart}"' in text
    for chart in ("articles", "duplicates", "rejects", "removed"):
        assert f'data-chart="trend-{chart}"' in text
    assert "threshold 0.7" in text
    assert "normnews explain " in text and "--record 0 --out " in text
    assert "Removed copies, least similar first" in text


def test_same_output_root_gives_the_same_bytes(sample_out, tmp_path):
    """Rendering the same OUT twice gives identical pages (no wall-clock time, fixed SVG ids)."""
    out, _ = sample_out
    first = write_report(out, to=tmp_path / "a.html").path.read_bytes()
    second = write_report(out, to=tmp_path / "b.html").path.read_bytes()
    assert first == second


def test_report_without_runs_fails_with_a_summary(tmp_path):
    """`normnews report` on a folder without runs exits 2 with an input_error summary."""
    done = run_cli("report", tmp_path)
    assert done.code == 2
    assert done.summary["status"] == "input_error"
    assert "no run manifests" in str(done.summary["message"])


def page_problems(load: PageLoad, charts: Sequence[str]) -> list[str]:
    """Everything wrong with a page load: no load event, a failed request, a request leaving
    the file, a script error or dialog, a console error, and each of ``charts`` that is
    missing or not drawn (an empty box, or no marks or no text in its SVG)."""
    problems = [] if load.loaded else ["the load event never fired"]
    problems += [f"failed request: {r}" for r in load.failed_requests]
    problems += [f"request leaves the file: {u}" for u in load.requests if not u.startswith(LOCAL)]
    problems += [f"script error: {e}" for e in load.script_errors]
    problems += [f"console error: {e}" for e in load.console_errors]
    drawn = {c["name"]: c for c in load.value or []} if isinstance(load.value, list) else {}
    for name in charts:
        chart = drawn.get(name)
        if chart is None:
            problems.append(f"chart {name} is missing")
        elif not (chart["width"] > 200 and chart["height"] > 100):
            problems.append(f"chart {name} has an empty box: {chart}")
        elif not (chart["marks"] > 3 and chart["text"] > 0):
            problems.append(f"chart {name} draws nothing: {chart}")
    problems += [f"unexpected chart {name}" for name in sorted(set(drawn) - set(charts))]
    return problems


def _chromium_or_skip() -> str:
    chromium = find_chromium()
    if chromium is None:
        pytest.skip(
            "Chromium is not installed and scripts/test could not install it "
            "(apt-get install chromium needs root and Debian's package archive)"
        )
    return chromium


def test_page_renders_in_headless_chromium(sample_out, tmp_path, record_property):
    """In a real Chromium the page loads with no failed request, no request leaving the file,
    no script or console error, and every chart drawn with a non-empty box and marks; a
    full-page screenshot is saved with the test's output."""
    chromium = _chromium_or_skip()
    _, summary = sample_out
    page = Path(str(summary["report"]))
    shot = tmp_path / "report.png"
    load = load_page(page.as_uri(), screenshot=shot, evaluate=CHARTS_DRAWN, chromium=chromium)
    record_property("screenshot", str(shot))
    print(f"screenshot: {shot}")
    assert page_problems(load, CHARTS) == []
    assert load.requests, "the page itself was never requested"
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 20_000


BROKEN_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>
<figure class="chart" data-chart="funnel"><svg width="400" height="200">
  <rect x="0" y="0" width="90" height="20"/><rect x="0" y="30" width="60" height="20"/>
  <rect x="0" y="60" width="30" height="20"/><path d="M0 100 H300"/><text x="5" y="150">a</text>
</svg></figure>
<figure class="chart" data-chart="edits"><svg width="0" height="0"></svg></figure>
<figure class="chart" data-chart="clusters"><svg width="400" height="200"></svg></figure>
<img src="missing-picture.png" alt="">
<script>throw new Error("the chart code broke");</script>
<script>alert("hello");</script>
</body></html>
"""


def test_the_browser_check_fails_on_a_broken_page(tmp_path):
    """The checks of the browser test are not blind: on a page with a chart missing, a chart
    with an empty box, a chart with nothing in it, a script that throws, an alert and a
    failed request, each is reported; the one good chart is not."""
    chromium = _chromium_or_skip()
    page = tmp_path / "broken.html"
    page.write_text(BROKEN_PAGE, encoding="utf-8")
    load = load_page(page.as_uri(), evaluate=CHARTS_DRAWN, chromium=chromium, timeout=20)
    problems = "\n".join(page_problems(load, ["funnel", "edits", "clusters", "timings"]))
    assert "chart timings is missing" in problems
    assert "chart edits has an empty box" in problems
    assert "chart clusters draws nothing" in problems
    assert "chart funnel" not in problems
    assert "script error: Error: the chart code broke (at file:" in problems
    assert "alert dialog: hello" in problems
    assert "failed request: net::ERR_FILE_NOT_FOUND" in problems
    assert load.loaded, "a dismissed alert does not stop the page from loading"


def test_a_bad_night_stands_out_in_the_trend(tmp_path):
    """Across five nightly runs, the night whose feed was mostly broken is named as standing
    out in the reject-rate trend; the ordinary nights are not."""
    inp = tmp_path / "in"
    inp.mkdir()
    out = tmp_path / "out"
    days = ["2026-11-20", "2026-11-21", "2026-11-22", "2026-11-23", "2026-11-24"]
    for n, day in enumerate(days):
        night = inp / day
        night.mkdir()
        for i in range(6):
            story = n * 10 + i
            (night / f"story-{i}.txt").write_text(f"Story {story}\n\n{story_text(story)}\n")
        broken = 5 if day == "2026-11-22" else 0
        for i in range(broken):
            (night / f"scan-{i}.txt").write_bytes(b"\x00\x01\x02binary" * 50)
        cfg = load_config(
            None, input_dir=inp, out_dir=out, run_date=day, workers=1, max_error_rate=0.9
        )
        run(cfg)
        assert date.fromisoformat(day)  # keeps the days in order
    runs = load_manifests(out)
    assert [m["run_date"] for m in runs] == days
    text = write_report(out).path.read_text(encoding="utf-8")
    assert "Stands out: reject rate on 2026-11-22" in text
    assert "on 2026-11-21" not in text and "on 2026-11-23" not in text


def test_outliers_need_enough_other_runs():
    """With fewer than four other runs nothing is flagged; a flat series flags nothing."""
    assert outliers([0.0, 0.0, 0.9]) == []
    assert outliers([0.1] * 8) == []
    assert outliers([0.1, 0.1, 0.1, 0.1, 0.1, 0.6]) == [5]


def test_report_of_an_earlier_run_by_id(tmp_path):
    """--run picks an earlier run; an unknown id is an input_error naming the latest runs."""
    data = tmp_path / "in"
    shutil.copytree(SAMPLE, data)
    out = tmp_path / "out"
    first = run_cli("run", data, "--out", out, "--run-date", "2026-11-23", "--workers", "1")
    (data / "blog" / "extra.txt").write_text("Extra story\n\n" + story_text(99) + "\n")
    second = run_cli("run", data, "--out", out, "--run-date", DAY, "--workers", "1")
    assert first.code == second.code == 0
    to = tmp_path / "first.html"
    done = run_cli("report", out, "--run", str(first.summary["run_id"]), "--to", to)
    assert done.code == 0 and done.summary["run_id"] == first.summary["run_id"]
    assert done.summary["runs"] == 2 and to.is_file()
    missing = run_cli("report", out, "--run", "nope")
    assert missing.code == 2 and missing.summary["status"] == "input_error"
    assert str(second.summary["run_id"]) in str(missing.summary["message"])


HOSTILE = "<script>document.title='pwned'</script><img src=x onerror=\"document.title='pwned'\">"
"""Markup as scraped titles, bodies and file names may carry it."""


class _Tags(HTMLParser):
    """The tags and attributes a browser would build from a page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attributes: set[str] = set()
        self.links: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        for name, value in attrs:
            self.attributes.add(name)
            if name in ("src", "href", "xlink:href", "action") and value is not None:
                self.links.add(value)


def test_text_from_the_data_is_shown_never_run(tmp_path):
    """Titles, file and folder names, learned boilerplate lines and article text that carry
    markup appear on the page as text: the page has no script, no image and no event handler,
    and in Chromium nothing from the data runs."""
    site = tmp_path / "in" / "<b onmouseover=alert(1)>site"
    site.mkdir(parents=True)
    footer = f"Courier footer {HOSTILE} all rights"
    for i in range(8):
        title = f"Story {i} {HOSTILE}"
        (site / f"s{i}.txt").write_text(f"{title}\n\n{story_text(i)}\n\n{footer}\n")
    (site / f"{HOSTILE.replace('/', '')}.txt").write_text(
        f"Copy {HOSTILE}\n\n{near_copy(story_text(3), 1)}\n"
    )
    out = tmp_path / "out"
    done = run_cli("run", tmp_path / "in", "--out", out, "--run-date", DAY, "--report")
    assert done.code == 0, done.stderr
    assert done.summary["duplicates"] == 1
    page = Path(str(done.summary["report"]))
    text = page.read_text(encoding="utf-8")
    tags = _Tags()
    tags.feed(text)
    assert not tags.tags & {"script", "img", "iframe", "object", "embed", "link", "base"}
    assert not {a for a in tags.attributes if a.startswith("on")}
    assert all(link.startswith("#") for link in tags.links), tags.links
    shown = html.escape(HOSTILE)
    assert f"Story 0 {shown}" in text, "a title is shown as text"
    assert f"Courier footer {shown} all rights" in text, "a learned line is shown as text"
    assert html.escape("<b onmouseover=alert(1)>site") in text, "a folder name as text"
    assert f"Copy {shown}" in text, "a removed copy's title as text"
    chromium = find_chromium()
    if chromium is None:
        return  # the page's structure is checked above; the browser test says why it skips
    load = load_page(
        page.as_uri(),
        evaluate="({title: document.title, n: document.querySelectorAll('script, img').length})",
        chromium=chromium,
    )
    assert page_problems(load, []) == []
    assert load.value == {"title": f"normnews run {done.summary['run_id']}", "n": 0}


def test_a_manifest_from_an_older_version_still_renders(sample_out, tmp_path):
    """A manifest written before the text and similarity statistics existed renders every
    chart; the page says those statistics are missing instead of showing zeros as facts."""
    out = tmp_path / "out"
    shutil.copytree(sample_out[0], out)
    (path,) = (out / "_runs").glob("*.json")
    manifest = json.loads(path.read_text(encoding="utf-8"))
    for key in ("text", "learned_lines", "dedup"):
        del manifest[key]
    for key in ("articles_lost_over_half", "date_parse_failures"):
        del manifest["counts"][key]
    path.write_text(json.dumps(manifest), encoding="utf-8")
    shutil.rmtree(out / "_state" / "line_text")
    text = write_report(out, to=tmp_path / "old.html").path.read_text(encoding="utf-8")
    assert re.findall(r'data-chart="([^"]+)"><svg', text) == list(CHARTS)
    assert "has no text statistics" in text and "has no similarity statistics" in text
    assert "<span>lost over half</span><b>–</b>" in text
    assert "<span>dates unparsed</span><b>–</b>" in text


def test_a_manifest_that_does_not_name_itself_is_skipped(sample_out, tmp_path):
    """A JSON file in _runs/ whose run_id is not its file name, that has no run date or whose
    sections are not objects is not trusted: skipped, so the page is never written outside
    _runs/ by a run id and one odd file does not stop the report."""
    out = tmp_path / "out"
    shutil.copytree(sample_out[0], out)
    (path,) = (out / "_runs").glob("*.json")
    forged = json.loads(path.read_text(encoding="utf-8"))
    forged.update(run_id="../../escaped", run_date="2099-01-01")
    (out / "_runs" / "forged.json").write_text(json.dumps(forged), encoding="utf-8")
    (out / "_runs" / "nodate.json").write_text(json.dumps({"run_id": "nodate"}))
    odd = {"run_id": "odd", "run_date": "2020-01-01", "counts": "broken"}
    (out / "_runs" / "odd.json").write_text(json.dumps(odd))
    assert [m["run_id"] for m in load_manifests(out)] == [path.stem]
    done = write_report(out)
    assert done.path == out / "_runs" / f"{path.stem}.html"
    assert not (tmp_path / "escaped.html").exists()


def test_a_report_that_fails_does_not_fail_the_published_run(tmp_path):
    """`run --report` whose report cannot be drawn (an earlier manifest in OUT is malformed)
    still ends ok with exit 0, since the run is published; the summary's report is null and
    the log says why."""
    out = tmp_path / "out"
    (out / "_runs").mkdir(parents=True)
    # A readable manifest (the run's state check accepts it: it lists no input) whose counts
    # section the report cannot draw.
    bad = {
        "run_id": "20200101-000000000000",
        "run_date": "2020-01-01",
        "inputs": [],
        "counts": {"articles": []},
    }
    (out / "_runs" / "20200101-000000000000.json").write_text(json.dumps(bad))
    done = run_cli("run", SAMPLE, "--out", out, "--run-date", DAY, "--report", "--workers", "1")
    assert done.code == 0, done.stderr
    assert done.summary["status"] == "ok" and done.summary["report"] is None
    assert (out / "_runs" / f"{done.summary['run_id']}.json").is_file()
    assert "its report could not be written" in done.stderr
