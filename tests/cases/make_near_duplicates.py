# ruff: noqa: E501  (the stories are prose, one paragraph per line)
"""Regenerate near_duplicates.json from the hand-written stories below (run once, commit both).

Every text here was written for normnews; nothing is copied from a corpus.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

STORIES = [
    """Harbour City council voted on Tuesday to close the old ferry terminal at the end of March, ending ninety years of service across the bay.

The decision followed a two-hour debate in which residents of the northern shore argued that the bus replacement would add forty minutes to their daily commute.

Councillor Maria Ortez said the terminal's pilings were unsafe and that repairs would cost more than twice the annual transport budget. "We cannot ask engineers to keep patching a structure they have told us will fail," she said.

The ferry operator, Bayline, said its twelve staff would be offered jobs on the new express route to the airport. A public meeting on the bus timetable is planned for next month at the town hall.""",
    """Shares in Northwind Energy fell nine percent in early trading after the company cut its profit forecast for the year, blaming a mild winter and lower gas prices.

The firm now expects operating profit of between 410 and 440 million, down from an earlier range of 500 to 530 million. Analysts had expected the company to hold its guidance.

Chief executive Tomas Brandt told investors that demand had fallen sharply in December and January, the months that usually bring most of the group's earnings. He said the company would delay two pipeline projects and review its dividend policy in the spring.

Northwind employs about 6,000 people and supplies heating to more than two million homes.""",
    """A rare snow leopard cub has been born at the Eastfield wildlife park, the first of its kind to survive birth there in more than twenty years.

Keepers said the female cub, born to seven-year-old Asha, was feeding well and would stay hidden in the den with her mother for several weeks.

The park is part of a European breeding programme for the species, which is classed as vulnerable, with fewer than 7,000 thought to remain in the mountains of central Asia.

Visitors will be able to see the cub from late spring, once she begins to explore the outdoor enclosure. The park has asked the public to suggest a name through its website.""",
    """The national statistics office said on Friday that unemployment rose to 5.4 percent in the third quarter, its highest level in three years, as construction and retail firms cut jobs.

Some 62,000 more people were out of work than in the previous quarter. Youth unemployment climbed to 14.1 percent.

The labour minister said the figures reflected a slowdown that the government had expected and pointed to a training scheme starting in January. Opposition parties called for an emergency cut in payroll taxes.

Economists said the central bank was now more likely to lower interest rates at its December meeting, although inflation remains above the official target.""",
    """Organisers of the City Marathon have moved the start of Sunday's race forward by one hour because of a heat warning, with temperatures forecast to reach 31 degrees by midday.

Runners will now set off at seven in the morning. Extra water stations and medical tents will be placed every three kilometres along the course, and the cut-off time for the final finishers has been extended by thirty minutes.

Race director Paul Hennig said safety came first. "We would rather everyone finishes slowly than anyone ends the day in hospital," he said.

About 18,000 people have registered for the race, which raises money for local hospitals.""",
    """Police have reopened the coastal road between Westport and Millbay after a landslide blocked both lanes for most of Wednesday.

Heavy rain overnight loosened part of the cliff above the road, sending rocks and mud across a 200-metre stretch. No one was injured, but two parked cars were damaged.

Road engineers worked through the afternoon to clear the debris and check the slope. A speed limit of 30 kilometres an hour will remain in place while a safety net is installed next week.

Drivers have been advised to expect delays during the repairs and to use the inland route where possible.""",
]

TEMPLATE = """Subscribe to our newsletter for the latest local news, sport and weather delivered to your inbox every morning. Read more stories from your area and follow us for breaking news alerts, live updates, photo galleries and opinion from our award-winning team of reporters and columnists who cover the issues that matter to you and your community every single day of the year. Our journalism is funded by readers like you: support independent local reporting today and get unlimited access to every article on our website and app for less than the price of a coffee a week. Terms and conditions apply."""

SHORT_STORIES = [
    "The library on Elm Street will open late on Thursdays from next month.",
    "A fire at a bakery in the old town was put out quickly and no one was hurt.",
    "Council workers will repaint the school crossings on Park Avenue this weekend.",
    "The local football club signed a new goalkeeper from the regional league.",
    "Water will be cut off in the harbour district for four hours on Monday.",
    "A new bus shelter has been installed outside the railway station.",
    "The annual flower show returns to the town square on the first Saturday of May.",
    "Two teenagers were praised for rescuing a dog from the river on Sunday.",
    "The swimming pool will close for two weeks of repairs in August.",
    "A charity run raised more than four thousand for the children's ward.",
    "The cinema on Bridge Street will show classic films every Wednesday night.",
    "Residents complained about noise from the new warehouse near the ring road.",
    "The farmers market has moved to the car park behind the town hall.",
    "Police are asking for witnesses after a bicycle was stolen outside the gym.",
    "The museum has received a collection of old maps from a local family.",
    "Roadworks on the high street are expected to finish ahead of schedule.",
    "A new dentist has opened a practice above the pharmacy on Market Road.",
    "The primary school choir will sing at the Christmas lights switch-on.",
    "A lost wedding ring was returned to its owner after a social media appeal.",
    "Tickets for the summer music festival go on sale on Friday morning.",
    "The council approved plans for twelve new homes on the former garage site.",
    "Volunteers planted two hundred trees along the canal path on Saturday.",
    "The post office will move into the supermarket from the end of June.",
    "A retired teacher celebrated her hundredth birthday with former pupils.",
]

# Pairs the default dedup settings are known to miss (marked strict xfail). None since the
# edit-tolerant rule (issue 11): story5-words-edited (true Jaccard 0.735, estimated 0.688) is
# now accepted on its word-bigram containment.
KNOWN_MISSES: dict[str, str] = {
    "earnings-resent-reformatted": (
        "the values agree once normalised, but the hashing normal form splits 2,417,000 into "
        "three tokens, so the 5-gram and bigram shingles of a short table barely overlap"
    ),
}

# Short formulaic wire items written for normnews (issue 11): the same template with other
# values is other news; a correction of one is the same story.
WIRE_PAIRS: list[tuple[str, str, str, str, str]] = [
    (
        "dividend-other-company",
        "Qtly div 25 cts vs 25 cts prior qtr.\n\nPay May 31.\n\nRecord May 1.",
        "Qtly div 25 cts vs 25 cts prior qtr.\n\nPay June 10.\n\nRecord May 15.",
        "distinct",
        "two companies' dividend notices: same template, other dates",
    ),
    (
        "earnings-other-company",
        "Shr 41 cts vs 33 cts\n\nNet 2,417,000 vs 1,950,000\n\nRevs 31.2 mln vs 27.9 mln",
        "Shr 12 cts vs 33 cts\n\nNet 617,000 vs 1,950,000\n\nRevs 8.4 mln vs 27.9 mln",
        "distinct",
        "two earnings tables sharing the prior-year column",
    ),
    (
        "market-report-next-day",
        "The central bank entered the money market to arrange 1.5 billion dlrs of customer "
        "repurchase agreements, a bank spokesman said. Dealers said overnight funds were "
        "trading at 6-3/16 pct when the bank began its temporary supply of reserves.",
        "The central bank entered the money market to arrange 1.5 billion dlrs of customer "
        "repurchase agreements, a bank spokesman said. Dealers said overnight funds were "
        "trading at 6-1/4 pct when the bank began its temporary supply of reserves.",
        "distinct",
        "the same market report on another day: one rate differs",
    ),
    (
        "earnings-resent-reformatted",
        "Shr 41 cts vs 33 cts\n\nNet 2,417,000 vs 1,950,000\n\nRevs 31.2 mln vs 27.9 mln",
        "Shr 41 cts vs 33 cts\nNet 2417000 vs 1950000\nRevs 31.20 mln vs 27.90 mln",
        "duplicate",
        "a re-send with the figures written without separators",
    ),
]

MOJIBAKE = {
    "\u2019": "\u00e2\u20ac\u2122",
    "\u201c": "\u00e2\u20ac\u0153",
    "\u201d": "\u00e2\u20ac\u009d",
}


def _edit(text: str, rng: random.Random, n: int) -> str:
    words = text.split(" ")
    for i in rng.sample(range(len(words)), n):
        words[i] = words[i].upper() if rng.random() < 0.5 else words[i] + "s"
    return " ".join(words)


def _mojibake(text: str) -> str:
    text = text.replace("'", "\u2019").replace('"', "\u201c")
    for good, bad in MOJIBAKE.items():
        text = text.replace(good, bad)
    return text


def cases() -> list[dict[str, object]]:
    rng = random.Random(2026)
    out: list[dict[str, object]] = []

    def add(label: str, a: str, b: str, expected: str, comment: str, context=None) -> None:
        case: dict[str, object] = {
            "label": label,
            "input": {"a": a, "b": b},
            "expected": expected,
            "expect": "pass",
            "comment": comment,
        }
        if context:
            case["input"]["context"] = context  # type: ignore[index]
        out.append(case)

    for i, s in enumerate(STORIES):
        paras = s.split("\n\n")
        add(f"story{i}-identical", s, s, "duplicate", "re-sent unchanged")
        add(
            f"story{i}-reformatted",
            s,
            s.upper().replace("\n\n", "\n"),
            "duplicate",
            "case and line breaks changed",
        )
        add(
            f"story{i}-paragraph-dropped",
            s,
            "\n\n".join(paras[:-1]),
            "duplicate",
            "last paragraph dropped",
        )
        add(f"story{i}-words-edited", s, _edit(s, rng, 4), "duplicate", "four words edited")
        add(
            f"story{i}-reheadlined",
            "Headline one about this\n\n" + s,
            "A different headline entirely\n\n" + s,
            "duplicate",
            "headline line rewritten",
        )
        add(
            f"story{i}-title-junk",
            s,
            s + "\n\nShare this article 0 comments | Site News",
            "duplicate",
            "scraped title junk and share prompt left in",
        )
        add(f"story{i}-mojibake", s, _mojibake(s), "duplicate", "quotes broken as mojibake")
        add(
            f"story{i}-boilerplate-frame",
            s,
            "Advertisement\n\n" + s + "\n\nRelated posts",
            "duplicate",
            "a different boilerplate frame",
        )
        for j, t in enumerate(STORIES):
            if j > i:
                add(f"story{i}-vs-story{j}", s, t, "distinct", "different stories")
    # Same topic, different stories (hard negatives written as rewrites of the facts).
    add(
        "topic-ferry-rewrite",
        STORIES[0],
        "Bayline ferries will stop calling at the old Harbour City terminal in March after "
        "councillors backed closure on safety grounds. Commuters from the north shore fear a "
        "much longer journey by bus, and a meeting on the new timetable will be held next "
        "month. The operator said staff would move to its airport express service.",
        "distinct",
        "same event, independently written",
    )
    # The containment rule (containment >= 0.9 and Jaccard >= 0.5) must not take a short text
    # that is wholly inside a much longer one: a brief and the feature that quotes it.
    add(
        "contained-lede-in-long-roundup",
        STORIES[1].split("\n\n")[0],
        "\n\n".join([STORIES[1], STORIES[3], STORIES[0]]),
        "distinct",
        "a one-paragraph text wholly inside a roundup four times its length (Jaccard 0.07)",
    )
    add(
        "story0-grown-by-two-stories",
        STORIES[0],
        "\n\n".join([STORIES[0], STORIES[2], STORIES[3]]),
        "distinct",
        "a story wholly inside a page that adds two other stories (Jaccard 0.35)",
    )
    ctx = [s + "\n\n" + TEMPLATE for s in SHORT_STORIES]
    for k in range(0, 20, 2):
        add(
            f"template-{k}",
            ctx[k],
            ctx[k + 1],
            "distinct",
            "two different short stories inside one heavy site template",
            context=[c for i, c in enumerate(ctx) if i not in (k, k + 1)],
        )
    for label, a, b, expected, comment in WIRE_PAIRS:
        add(label, a, b, expected, comment)
    add(
        "template-real-copy",
        ctx[3],
        ctx[3].replace("this weekend", "this weekend."),
        "duplicate",
        "a real copy that carries the template",
        context=[c for i, c in enumerate(ctx) if i != 3],
    )
    for case in out:
        if case["label"] in KNOWN_MISSES:
            case["expect"] = "fail"
            case["comment"] = f"{case['comment']}; KNOWN MISS: {KNOWN_MISSES[case['label']]}"
    return out


if __name__ == "__main__":
    path = Path(__file__).with_name("near_duplicates.json")
    path.write_text(json.dumps(cases(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {path}")
