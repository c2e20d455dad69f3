"""The mock teacher's arithmetic problems: generators of a problem and its worked answer.

:data:`MATH_TASKS` lists the generators; each draws its numbers from the item's random generator
and its names, places and products from the item's slots.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from synthgen.mock.slots import Slots

# --- arithmetic problems: (rng, slots) -> (subject, problem, worked answer) ----------------
# The subject names the problem's particulars ("about a 20% discount on a desk lamp"), so
# that instructions differ as much as the problems do.

Problem = tuple[str, str, str]


def _math_change(rng: random.Random, s: Slots) -> Problem:
    qty, price = rng.randint(2, 9), rng.randint(2, 15)
    cost = qty * price
    note = next(n for n in (20, 50, 100, 200) if n > cost)
    name, items = s["Name"], s["item_plural"]
    problem = (
        f"{name} buys {qty} {items} at {price} dollars each and pays with a {note}-dollar note. "
        f"How much change should {name} get?"
    )
    answer = f"Cost: {qty} x {price} = {cost} dollars. Change: {note} - {cost} = {note - cost} dollars."
    return f"about {name}'s {qty} {items}", problem, answer


def _math_travel(rng: random.Random, s: Slots) -> Problem:
    speed, halves = rng.choice((40, 50, 60, 70, 80, 90, 100, 120)), rng.randint(2, 14)
    distance = speed * halves // 2
    hours = f"{halves // 2}" + (".5" if halves % 2 else "")
    problem = (
        f"A coach leaves {s['place']} and travels {distance} km at an average of {speed} km/h. "
        "How long does the trip take?"
    )
    answer = f"Time = distance / speed = {distance} / {speed} = {hours} hours."
    return f"about a {distance} km coach trip from {s['place']}", problem, answer


def _math_discount(rng: random.Random, s: Slots) -> Problem:
    price, pct = rng.randint(2, 60) * 5, rng.choice((10, 15, 20, 25, 30, 40, 50))
    saving = price * pct / 100
    problem = f"{s['Product']} costs {price} dollars and is on sale for {pct}% off. What is the sale price?"
    answer = (
        f"Discount: {pct}% of {price} = {saving:g} dollars. "
        f"Sale price: {price} - {saving:g} = {price - saving:g} dollars."
    )
    return f"about {pct}% off {s['product']}", problem, answer


def _math_share(rng: random.Random, s: Slots) -> Problem:
    people, total = rng.randint(3, 9), rng.randint(20, 150)
    each, left = divmod(total, people)
    problem = (
        f"{s['Name']} has {total} {s['item_plural']} to share equally among {people} friends. "
        "How many does each friend get, and how many are left over?"
    )
    answer = (
        f"{total} / {people} = {each} remainder {left}, so each friend gets {each} and {left} are left over."
    )
    return f"about sharing {total} {s['item_plural']} among {people} people", problem, answer


def _math_area(rng: random.Random, s: Slots) -> Problem:
    width, length = rng.randint(2, 20), rng.randint(3, 30)
    problem = (
        f"A rectangular vegetable bed in {s['place']} is {width} m wide and {length} m long. "
        "What is its area, and how much edging goes around it?"
    )
    answer = (
        f"Area = {width} x {length} = {width * length} square metres. "
        f"Edging = 2 x ({width} + {length}) = {2 * (width + length)} metres."
    )
    return f"about a {width} by {length} metre garden bed", problem, answer


def _math_savings(rng: random.Random, s: Slots) -> Problem:
    weekly, target = rng.randint(5, 40), rng.randint(60, 900)
    weeks = -(-target // weekly)
    name = s["Name"]
    problem = (
        f"{name} saves {weekly} dollars a week for {s['product']}, which costs {target} dollars. "
        f"After how many weeks can {name} afford it?"
    )
    answer = f"{target} / {weekly} = {target / weekly:.2f}, so it takes {weeks} weeks (round up)."
    return f"about {name} saving {weekly} dollars a week", problem, answer


def _math_average(rng: random.Random, s: Slots) -> Problem:
    scores = [rng.randint(40, 100) for _ in range(4)]
    total = sum(scores)
    listed = ", ".join(map(str, scores[:3])) + f" and {scores[3]}"
    problem = f"{s['Name']} scored {listed} on four quizzes. What is the average score?"
    answer = f"Sum: {' + '.join(map(str, scores))} = {total}. Average: {total} / 4 = {total / 4:g}."
    return f"about the average of {listed}", problem, answer


def _math_recipe(rng: random.Random, s: Slots) -> Problem:
    serves, wanted, grams = rng.randint(2, 6), rng.randint(3, 12), rng.randint(1, 12) * 50
    needed = grams * wanted / serves
    problem = (
        f"A recipe for {serves} people needs {grams} g of flour. How much is needed for {wanted} people?"
    )
    answer = f"Flour per person: {grams} / {serves} = {grams / serves:g} g. For {wanted}: {needed:g} g."
    return f"about scaling a recipe from {serves} to {wanted} people", problem, answer


MATH_TASKS: tuple[Callable[[random.Random, Slots], Problem], ...] = (
    _math_change,
    _math_travel,
    _math_discount,
    _math_share,
    _math_area,
    _math_savings,
    _math_average,
    _math_recipe,
)
