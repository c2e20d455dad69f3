"""The arithmetic word problems the mock teacher can pose and solve: one :class:`Template` each.

A template's phrasings are format strings whose fields are numbers (drawn from ``numbers`` or
computed by ``derived``) or words (drawn from :data:`WORDS`). ``answer`` is the formula for the
answer over the numbers shown in the text; ``steps`` is the worked solution, where ``[expr]`` is
computed and the last ``[...]`` of the last step is the final answer. ``where`` keeps a draw
only when true (so divisions come out as intended). Each is written for synthgen; the first
phrasing of a few templates is the wording of the mock's own generated math tasks
(:mod:`synthgen.mock.math_tasks`), so that a two-stage run can answer those too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from synthgen.mock import vocab


def money(low: str, high: str, step: str = "0.25") -> tuple[Fraction, ...]:
    """Prices from ``low`` to ``high`` dollars in steps of ``step``."""
    start, stop, size = Fraction(low), Fraction(high), Fraction(step)
    return tuple(start + size * i for i in range(int((stop - start) / size) + 1))


@dataclass(frozen=True)
class Template:
    id: str
    phrasings: tuple[str, ...]
    numbers: dict[str, Sequence[int | Fraction]]
    answer: str
    steps: tuple[str, ...]
    unit: str = ""  # "dollars", "km", "%", ... ("" for a bare number)
    derived: dict[str, str] = field(default_factory=dict)
    where: str = ""
    as_fraction: bool = False  # state the answer as a fraction ("5/8"), not a decimal


# Word pools; names come from the mock's vocabulary. "name" fields match one word when solving.
WORDS: dict[str, tuple[str, ...]] = {
    "name": tuple(n for n in vocab.NAME if n.isalpha()),
    "items": ("apples", "pencils", "stickers", "marbles", "cupcakes", "postcards", "batteries",
              "tomatoes", "notebooks", "candles", "seashells", "muffins", "erasers", "oranges"),
    "product": tuple(p for p in vocab.PRODUCT if p.startswith("a ")),
    "place": vocab.PLACE,
    "thing": ("bus pass", "coffee machine", "bicycle helmet", "tennis racket", "board game", "rain jacket"),
    "restaurant": ("a noodle bar", "the harbour cafe", "a pizza place", "the corner diner"),
    "vehicle": ("train", "coach", "ferry", "delivery van"),
    "fruit": ("apples", "pears", "mangoes", "plums", "peaches", "avocados", "bananas"),
}  # fmt: skip

TEMPLATES: tuple[Template, ...] = (
    Template(
        "change",
        ("{name} buys {qty} {items} at {price} dollars each and pays with a {note}-dollar note. "
         "How much change should {name} get?",
         "{name} pays for {qty} {items} costing {price} dollars each with a {note}-dollar bill. "
         "How many dollars of change come back?"),
        {"qty": range(2, 10), "price": range(2, 16), "note": (20, 50, 100)},
        "note - qty * price",
        ("The {items} cost {qty} x {price} = [qty * price] dollars.",
         "The change is {note} - [qty * price] = [note - qty * price] dollars."),
        unit="dollars", where="note > qty * price and note <= 2 * qty * price + 20",
    ),
    Template(
        "pack_total",
        ("A pack of {items} costs {price} dollars. {name} buys {packs} packs for a school fair. "
         "How much does that cost in total?",),
        {"price": money("1.25", "9.75"), "packs": range(3, 13)},
        "packs * price",
        ("{packs} packs x {price} dollars = [packs * price] dollars.",),
        unit="dollars",
    ),
    Template(
        "discount",
        ("{product} costs {price} dollars and is on sale for {pct}% off. What is the sale price?",
         "A {thing} normally sells for {price} dollars. This week it is {pct}% off. "
         "What does it cost this week, in dollars?"),
        {"price": range(20, 401, 5), "pct": (10, 15, 20, 25, 30, 40, 50)},
        "price - price * pct / 100",
        ("The discount is {pct}% of {price} = [price * pct / 100] dollars.",
         "The sale price is {price} - [price * pct / 100] = [price - price * pct / 100] dollars."),
        unit="dollars",
    ),
    Template(
        "tip",
        ("The bill at {restaurant} comes to {bill} dollars, and {name} adds a {pct}% tip. "
         "How much does {name} pay altogether?",),
        {"bill": range(20, 161, 4), "pct": (10, 15, 20, 25)},
        "bill + bill * pct / 100",
        ("The tip is {pct}% of {bill} = [bill * pct / 100] dollars.",
         "In total: {bill} + [bill * pct / 100] = [bill + bill * pct / 100] dollars."),
        unit="dollars",
    ),
    Template(
        "travel_time",
        ("A coach leaves {place} and travels {distance} km at an average of {speed} km/h. "
         "How long does the trip take?",
         "A {vehicle} covers {distance} km at a steady {speed} km/h. How many hours does the journey take?"),
        {"speed": range(40, 121, 10), "halves": range(2, 15)},
        "distance / speed",
        ("Time = distance / speed = {distance} / {speed} = [distance / speed] hours.",),
        unit="hours", derived={"distance": "speed * halves / 2"},
    ),
    Template(
        "distance",
        ("{name} cycles for {hours} hours at {speed} km/h. How many kilometres does {name} ride?",),
        {"hours": range(2, 7), "speed": range(12, 31)},
        "hours * speed",
        ("Distance = speed x time = {speed} x {hours} = [speed * hours] km.",),
        unit="km",
    ),
    Template(
        "average",
        ("{name} scored {a}, {b}, {c} and {d} on four quizzes. What is the average score?",
         "Over four games a team scored {a}, {b}, {c} and {d} points. What was its average score per game?"),
        {"a": range(40, 101), "b": range(40, 101), "c": range(40, 101), "d": range(40, 101)},
        "(a + b + c + d) / 4",
        ("The total is {a} + {b} + {c} + {d} = [a + b + c + d].",
         "The average is [a + b + c + d] / 4 = [(a + b + c + d) / 4]."),
    ),
    Template(
        "recipe",
        ("A recipe for {serves} people needs {grams} g of flour. How much is needed for {guests} people?",
         "A soup for {serves} people uses {grams} grams of lentils. How many grams are needed to serve {guests}?"),
        {"serves": range(2, 7), "grams": range(100, 601, 50), "guests": range(3, 13)},
        "grams * guests / serves",
        ("Per person: {grams} / {serves} = [grams / serves] g.",
         "For {guests} people: [grams / serves] x {guests} = [grams * guests / serves] g."),
        unit="g", where="(grams * guests) % serves == 0 and guests != serves",
    ),
    Template(
        "savings_weeks",
        ("{name} saves {weekly} dollars a week for {product}, which costs {target} dollars. "
         "After how many weeks can {name} afford it?",),
        {"weekly": range(5, 41), "target": range(60, 901)},
        "ceil(target / weekly)",
        ("{target} / {weekly} = [target / weekly] weeks of saving.",
         "A part week does not finish the job, so it takes [ceil(target / weekly)] weeks."),
        unit="weeks", where="target % weekly != 0",
    ),
    Template(
        "share",
        ("{name} shares {total} {items} equally among {people} friends. How many does each friend get?",),
        {"each": range(3, 26), "people": range(2, 10)},
        "total / people",
        ("Each friend gets {total} / {people} = [total / people] {items}.",),
        derived={"total": "each * people"},
    ),
    Template(
        "leftover",
        ("{name} has {total} {items} and packs them in boxes of {size}. "
         "How many are left over once every full box is packed?",),
        {"total": range(20, 200), "size": range(3, 13)},
        "total % size",
        ("{total} / {size} = [total // size] full boxes, which hold [total // size] x {size} = "
         "[total // size * size] {items}.",
         "Left over: {total} - [total // size * size] = [total % size]."),
        where="total % size != 0",
    ),
    Template(
        "buses",
        ("A school takes {students} students on a trip, and each bus seats {seats}. "
         "How many buses does the school need?",),
        {"students": range(60, 400), "seats": (24, 30, 36, 40, 45, 50, 52)},
        "ceil(students / seats)",
        ("{students} / {seats} = [students / seats], and a part-full bus still counts, "
         "so the school needs [ceil(students / seats)] buses.",),
        unit="buses", where="students % seats != 0",
    ),
    Template(
        "pie_left",
        ("A pie is cut into {den} equal slices and {name} eats {num} of them. "
         "What fraction of the pie is left?",),
        {"den": (4, 6, 8, 10, 12), "num": range(1, 12)},
        "(den - num) / den",
        ("{den} - {num} = [den - num] slices are left out of {den}, which is [(den - num) / den] of the pie.",),
        where="num < den", as_fraction=True,
    ),
    Template(
        "fraction_of",
        ("A crate holds {total} {fruit}, and {num}/{den} of them are ripe. How many are ripe?",),
        {"den": (3, 4, 5, 8), "num": range(1, 8), "k": range(3, 16)},
        "total * num / den",
        ("{num}/{den} of {total} is {total} / {den} x {num} = [total / den] x {num} = [total * num / den].",),
        derived={"total": "den * k"}, where="num < den",
    ),
    Template(
        "ages",
        ("{name} is {age} years old, and {name2} is {diff} years older. How old will {name2} be in {years} years?",),
        {"age": range(5, 40), "diff": range(2, 15), "years": range(2, 11)},
        "age + diff + years",
        ("Now: {age} + {diff} = [age + diff].", "In {years} years: [age + diff] + {years} = [age + diff + years]."),
        unit="years",
    ),
    Template(
        "age_times",
        ("{name} is {age} years old, and {name}'s grandmother is {times} times as old. "
         "How old is the grandmother?",),
        {"age": range(6, 16), "times": (4, 5, 6, 7)},
        "age * times",
        ("{age} x {times} = [age * times].",),
        unit="years", where="age * times <= 95",
    ),
    Template(
        "wage",
        ("{name} earns {rate} dollars an hour and works {hours} hours a week. "
         "How much does {name} earn in {weeks} weeks?",),
        {"rate": range(12, 41), "hours": range(10, 41), "weeks": range(2, 9)},
        "rate * hours * weeks",
        ("Each week: {rate} x {hours} = [rate * hours] dollars.",
         "In {weeks} weeks: [rate * hours] x {weeks} = [rate * hours * weeks] dollars."),
        unit="dollars",
    ),
    Template(
        "phone_bill",
        ("A phone plan costs {base} dollars a month plus {per} dollars per gigabyte of data. "
         "{name} uses {gb} gigabytes this month. What is the bill?",),
        {"base": range(10, 31), "per": money("0.50", "4.00"), "gb": range(2, 21)},
        "base + per * gb",
        ("Data: {gb} x {per} = [per * gb] dollars.", "Bill: {base} + [per * gb] = [base + per * gb] dollars."),
        unit="dollars",
    ),
    Template(
        "area",
        ("A rectangular garden bed in {place} is {width} m wide and {length} m long. What is its area?",
         "A classroom floor is {width} metres by {length} metres. How many square metres is that?"),
        {"width": range(2, 21), "length": range(3, 31)},
        "width * length",
        ("Area = {width} x {length} = [width * length] square metres.",),
        unit="square metres",
    ),
    Template(
        "fence",
        ("A rectangular field is {width} m by {length} m, and fencing costs {price} dollars a metre. "
         "How much does it cost to fence all the way round?",),
        {"width": range(5, 41), "length": range(5, 61), "price": range(3, 16)},
        "2 * (width + length) * price",
        ("Perimeter = 2 x ({width} + {length}) = [2 * (width + length)] m.",
         "Cost = [2 * (width + length)] x {price} = [2 * (width + length) * price] dollars."),
        unit="dollars",
    ),
    Template(
        "tiles",
        ("A floor measures {width} m by {length} m, and one box of tiles covers {cover} square metres. "
         "How many boxes are needed?",),
        {"width": range(3, 13), "length": range(3, 16), "cover": (2, 3, 4, 5)},
        "ceil(width * length / cover)",
        ("The floor is {width} x {length} = [width * length] square metres.",
         "[width * length] / {cover} = [width * length / cover], so [ceil(width * length / cover)] boxes."),
        unit="boxes", where="(width * length) % cover != 0",
    ),
    Template(
        "reading_days",
        ("{name} reads {per_day} pages a day, and the book has {pages} pages. "
         "How many days does it take to finish?",),
        {"per_day": range(10, 61, 5), "pages": range(120, 700)},
        "ceil(pages / per_day)",
        ("{pages} / {per_day} = [pages / per_day], and the last part-day counts, so "
         "[ceil(pages / per_day)] days.",),
        unit="days", where="pages % per_day != 0",
    ),
    Template(
        "percent_increase",
        ("The price of a {thing} rose from {old} dollars to {new} dollars. By what percent did it go up?",),
        {"old": range(20, 401, 20), "pct": (5, 10, 15, 20, 25, 30, 50)},
        "(new - old) / old * 100",
        ("The rise is {new} - {old} = [new - old] dollars.",
         "As a percent of the old price: [new - old] / {old} x 100 = [(new - old) / old * 100]%."),
        unit="%", derived={"new": "old * (100 + pct) / 100"},
    ),
    Template(
        "ratio",
        ("{name} and {name2} share {total} dollars in the ratio {a}:{b}. How much does {name} get?",),
        {"a": range(2, 8), "b": range(1, 8), "k": range(5, 40)},
        "total * a / (a + b)",
        ("There are {a} + {b} = [a + b] parts, each worth {total} / [a + b] = [total / (a + b)] dollars.",
         "{a} parts: {a} x [total / (a + b)] = [total * a / (a + b)] dollars."),
        unit="dollars", derived={"total": "(a + b) * k"}, where="a != b",
    ),
    Template(
        "ribbon",
        ("A ribbon is {m} metres and {cm} centimetres long. How long is it in centimetres?",),
        {"m": range(1, 10), "cm": range(5, 96)},
        "m * 100 + cm",
        ("{m} m = [m * 100] cm, plus {cm} cm makes [m * 100 + cm] cm.",),
        unit="cm",
    ),
    Template(
        "film_hours",
        ("A film lasts {minutes} minutes. How long is that in hours?",),
        {"minutes": range(45, 241, 15)},
        "minutes / 60",
        ("{minutes} / 60 = [minutes / 60] hours.",),
        unit="hours", where="minutes % 60 != 0",
    ),
    Template(
        "coins",
        ("{name} has {q} quarters, {d} dimes and {n} nickels. How much money is that, in dollars?",),
        {"q": range(1, 20), "d": range(1, 20), "n": range(1, 20)},
        "(25 * q + 10 * d + 5 * n) / 100",
        ("In cents: 25 x {q} + 10 x {d} + 5 x {n} = [25 * q + 10 * d + 5 * n].",
         "That is [(25 * q + 10 * d + 5 * n) / 100] dollars."),
        unit="dollars",
    ),
    Template(
        "elevator",
        ("A lift starts on floor {start}, goes up {up} floors and then down {down} floors. "
         "Which floor is it on now?",),
        {"start": range(1, 20), "up": range(2, 25), "down": range(2, 25)},
        "start + up - down",
        ("{start} + {up} = [start + up], then [start + up] - {down} = [start + up - down].",),
        where="start + up - down >= 1 and down != up",
    ),
    Template(
        "temperature",
        ("At dawn the temperature was {t0} degrees. It rose {rise} degrees by noon and then fell "
         "{fall} degrees by midnight. What was the temperature at midnight?",),
        {"t0": range(-8, 16), "rise": range(2, 15), "fall": range(5, 25)},
        "t0 + rise - fall",
        ("Noon: {t0} + {rise} = [t0 + rise] degrees.", "Midnight: [t0 + rise] - {fall} = [t0 + rise - fall] degrees."),
        unit="degrees",
    ),
    Template(
        "interest",
        ("{name} puts {principal} dollars in an account paying {rate}% simple interest a year. "
         "How much interest does it earn in {years} years?",),
        {"principal": range(500, 5001, 100), "rate": (2, 3, 4, 5, 6), "years": range(2, 8)},
        "principal * rate / 100 * years",
        ("One year: {rate}% of {principal} = [principal * rate / 100] dollars.",
         "{years} years: [principal * rate / 100] x {years} = [principal * rate / 100 * years] dollars."),
        unit="dollars",
    ),
)  # fmt: skip
