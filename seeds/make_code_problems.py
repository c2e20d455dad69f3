"""Write seeds/code_problems.jsonl: small programming problems, their tests and a reference solution.

    PYTHONPATH=src python seeds/make_code_problems.py

Written for synthgen. Every shape of tests that ``respond --verify code`` reads is here:
a list of asserts (MBPP's ``test_list``), one string of asserts with setup between them, a
``check(candidate)`` function with the row's ``entry_point`` (HumanEval), and stdin/stdout
pairs (competitive programming). tests/test_code_problems.py checks that the committed file
is this script's output and that every reference solution passes its tests in the sandbox.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

OUTPUT = Path(__file__).with_name("code_problems.jsonl")


def fn(name: str, signature: str, task: str, solution: str, tests: list[str]) -> dict[str, Any]:
    """A function task tested by a list of asserts."""
    instruction = f"Write a Python function `{name}{signature}` that {task}"
    return {"instruction": instruction, "tests": tests, "solution": solution}


def checked(name: str, signature: str, task: str, solution: str, check_body: str) -> dict[str, Any]:
    """A function task tested HumanEval-style: ``check(candidate)`` called with the entry point."""
    instruction = f"Complete the Python function `{name}{signature}`: it {task}"
    tests = "def check(candidate):\n" + "".join(f"    {line}\n" for line in check_body.strip().splitlines())
    return {"instruction": instruction, "tests": tests, "entry_point": name, "solution": solution}


def script(task: str, solution: str, cases: list[tuple[str, str]]) -> dict[str, Any]:
    """A program that reads stdin and writes stdout."""
    instruction = f"Write a Python program that reads from standard input and {task}"
    return {
        "instruction": instruction,
        "tests": [{"input": given, "output": wanted} for given, wanted in cases],
        "solution": solution,
    }


PROBLEMS: list[dict[str, Any]] = [
    fn("add_numbers", "(a, b)", "returns the sum of two numbers.",
       "def add_numbers(a, b):\n    return a + b\n",
       ["assert add_numbers(1, 2) == 3", "assert add_numbers(-4, 4) == 0", "assert add_numbers(2.5, 0.5) == 3.0"]),
    fn("is_palindrome", "(text)", "returns True when `text` reads the same backwards, ignoring case and spaces.",
       "def is_palindrome(text):\n    letters = text.replace(' ', '').lower()\n    return letters == letters[::-1]\n",
       ["assert is_palindrome('Never odd or even')", "assert not is_palindrome('synthgen')",
        "assert is_palindrome('')"]),
    fn("count_vowels", "(text)", "returns how many vowels (a, e, i, o, u, either case) `text` contains.",
       "def count_vowels(text):\n    return sum(1 for c in text.lower() if c in 'aeiou')\n",
       ["assert count_vowels('Hello World') == 3", "assert count_vowels('xyz') == 0", "assert count_vowels('AEIOU') == 5"]),
    fn("factorial", "(n)", "returns n! for a non-negative integer n.",
       "def factorial(n):\n    result = 1\n    for k in range(2, n + 1):\n        result *= k\n    return result\n",
       ["assert factorial(0) == 1", "assert factorial(5) == 120", "assert factorial(10) == 3628800"]),
    fn("fibonacci", "(n)", "returns the n-th Fibonacci number, with fibonacci(0) == 0 and fibonacci(1) == 1.",
       "def fibonacci(n):\n    a, b = 0, 1\n    for _ in range(n):\n        a, b = b, a + b\n    return a\n",
       ["assert fibonacci(0) == 0", "assert fibonacci(1) == 1", "assert fibonacci(10) == 55", "assert fibonacci(30) == 832040"]),
    fn("second_largest", "(numbers)", "returns the second largest distinct value of a list, or None if there is none.",
       "def second_largest(numbers):\n    values = sorted(set(numbers), reverse=True)\n    return values[1] if len(values) > 1 else None\n",
       ["assert second_largest([3, 1, 4, 1, 5]) == 4", "assert second_largest([7, 7]) is None",
        "assert second_largest([-2, -1]) == -2"]),
    fn("word_lengths", "(sentence)", "returns a dict mapping each word of `sentence` to its length.",
       "def word_lengths(sentence):\n    return {word: len(word) for word in sentence.split()}\n",
       ["assert word_lengths('a bb ccc') == {'a': 1, 'bb': 2, 'ccc': 3}", "assert word_lengths('') == {}"]),
    fn("flatten", "(nested)", "flattens a list of lists (one level) into one list, keeping the order.",
       "def flatten(nested):\n    return [item for inner in nested for item in inner]\n",
       ["assert flatten([[1, 2], [3], []]) == [1, 2, 3]", "assert flatten([]) == []",
        "assert flatten([['a'], ['b', 'c']]) == ['a', 'b', 'c']"]),
    fn("gcd", "(a, b)", "returns the greatest common divisor of two positive integers without using math.gcd.",
       "def gcd(a, b):\n    while b:\n        a, b = b, a % b\n    return a\n",
       ["assert gcd(12, 18) == 6", "assert gcd(17, 5) == 1", "assert gcd(100, 10) == 10"]),
    fn("run_length", "(text)", "returns the run-length encoding of `text`, e.g. 'aaab' -> 'a3b1'.",
       "def run_length(text):\n    out = []\n    i = 0\n    while i < len(text):\n        j = i\n"
       "        while j < len(text) and text[j] == text[i]:\n            j += 1\n"
       "        out.append(f'{text[i]}{j - i}')\n        i = j\n    return ''.join(out)\n",
       ["assert run_length('aaab') == 'a3b1'", "assert run_length('') == ''", "assert run_length('abc') == 'a1b1c1'"]),
    fn("rotate_list", "(items, k)", "returns `items` rotated right by k places.",
       "def rotate_list(items, k):\n    if not items:\n        return []\n    k %= len(items)\n    return items[-k:] + items[:-k]\n",
       ["assert rotate_list([1, 2, 3, 4], 1) == [4, 1, 2, 3]", "assert rotate_list([1, 2, 3], 3) == [1, 2, 3]",
        "assert rotate_list([], 2) == []", "assert rotate_list([1, 2], 5) == [2, 1]"]),
    fn("is_prime", "(n)", "returns True when the integer n is a prime number.",
       "def is_prime(n):\n    if n < 2:\n        return False\n    k = 2\n    while k * k <= n:\n"
       "        if n % k == 0:\n            return False\n        k += 1\n    return True\n",
       ["assert is_prime(2)", "assert is_prime(97)", "assert not is_prime(1)", "assert not is_prime(91)"]),
    {
        "instruction": "Write a Python function `merge_sorted(a, b)` that merges two sorted lists into one sorted "
        "list without calling sorted() or list.sort().",
        "tests": "import random\nrandom.seed(3)\nassert merge_sorted([1, 4], [2, 3]) == [1, 2, 3, 4]\n"
        "a = sorted(random.sample(range(100), 10)); b = sorted(random.sample(range(100), 7))\n"
        "assert merge_sorted(a, b) == sorted(a + b)\nassert merge_sorted([], [5]) == [5]\n",
        "solution": "def merge_sorted(a, b):\n    out, i, j = [], 0, 0\n    while i < len(a) and j < len(b):\n"
        "        if a[i] <= b[j]:\n            out.append(a[i]); i += 1\n        else:\n"
        "            out.append(b[j]); j += 1\n    return out + a[i:] + b[j:]\n",
    },
    {
        "instruction": "Write a Python function `char_histogram(text)` that returns a dict from each character "
        "of `text` to the number of times it occurs.",
        "tests": "from collections import Counter\nassert char_histogram('hello') == dict(Counter('hello'))\n"
        "assert char_histogram('') == {}\n",
        "solution": "def char_histogram(text):\n    counts = {}\n    for ch in text:\n"
        "        counts[ch] = counts.get(ch, 0) + 1\n    return counts\n",
    },
    {
        "instruction": "Write a Python class `Stack` with methods `push(item)`, `pop()` (returns the top item) "
        "and `is_empty()`.",
        "tests": "s = Stack()\nassert s.is_empty()\ns.push(1); s.push(2)\nassert s.pop() == 2\n"
        "assert not s.is_empty()\nassert s.pop() == 1\nassert s.is_empty()\n",
        "solution": "class Stack:\n    def __init__(self):\n        self._items = []\n\n    def push(self, item):\n"
        "        self._items.append(item)\n\n    def pop(self):\n        return self._items.pop()\n\n"
        "    def is_empty(self):\n        return not self._items\n",
    },
    {
        "instruction": "Write a Python function `celsius_to_fahrenheit(c)` that converts a temperature from "
        "Celsius to Fahrenheit.",
        "tests": "assert celsius_to_fahrenheit(0) == 32\nassert celsius_to_fahrenheit(100) == 212\n"
        "assert abs(celsius_to_fahrenheit(-40) - -40) < 1e-9\n",
        "solution": "def celsius_to_fahrenheit(c):\n    return c * 9 / 5 + 32\n",
    },
    {
        "instruction": "Write a Python function `unique_in_order(items)` that returns the items of a list with "
        "duplicates removed, keeping the first occurrence of each.",
        "tests": "assert unique_in_order([3, 1, 3, 2, 1]) == [3, 1, 2]\nassert unique_in_order([]) == []\n"
        "assert unique_in_order(list('banana')) == ['b', 'a', 'n']\n",
        "solution": "def unique_in_order(items):\n    seen = set()\n    out = []\n    for item in items:\n"
        "        if item not in seen:\n            seen.add(item)\n            out.append(item)\n    return out\n",
    },
    {
        "instruction": "Write a Python function `binary_search(items, target)` that returns the index of `target` "
        "in the sorted list `items`, or -1 when it is absent.",
        "tests": "data = list(range(0, 100, 3))\nassert binary_search(data, 27) == 9\n"
        "assert binary_search(data, 28) == -1\nassert binary_search([], 1) == -1\n"
        "assert all(binary_search(data, v) == i for i, v in enumerate(data))\n",
        "solution": "def binary_search(items, target):\n    lo, hi = 0, len(items) - 1\n    while lo <= hi:\n"
        "        mid = (lo + hi) // 2\n        if items[mid] == target:\n            return mid\n"
        "        if items[mid] < target:\n            lo = mid + 1\n        else:\n            hi = mid - 1\n"
        "    return -1\n",
    },
    checked("sum_of_squares", "(n: int) -> int", "returns 1*1 + 2*2 + ... + n*n.",
            "def sum_of_squares(n: int) -> int:\n    return sum(k * k for k in range(1, n + 1))\n",
            "assert candidate(1) == 1\nassert candidate(3) == 14\nassert candidate(0) == 0\nassert candidate(10) == 385"),
    checked("reverse_words", "(sentence: str) -> str", "returns the words of the sentence in reverse order, "
            "separated by single spaces.",
            "def reverse_words(sentence: str) -> str:\n    return ' '.join(reversed(sentence.split()))\n",
            "assert candidate('one two three') == 'three two one'\nassert candidate('  hi  ') == 'hi'\n"
            "assert candidate('') == ''"),
    checked("digit_sum", "(n: int) -> int", "returns the sum of the decimal digits of a non-negative integer.",
            "def digit_sum(n: int) -> int:\n    return sum(int(d) for d in str(n))\n",
            "assert candidate(0) == 0\nassert candidate(12345) == 15\nassert candidate(909) == 18"),
    checked("capitalize_words", "(text: str) -> str", "returns `text` with the first letter of every "
            "space-separated word in upper case and the rest unchanged.",
            "def capitalize_words(text: str) -> str:\n    return ' '.join(w[:1].upper() + w[1:] for w in text.split(' '))\n",
            "assert candidate('hello world') == 'Hello World'\nassert candidate('a  b') == 'A  B'\n"
            "assert candidate('iPhone') == 'IPhone'"),
    checked("count_inversions", "(items: list) -> int", "returns the number of pairs i < j with "
            "items[i] > items[j].",
            "def count_inversions(items: list) -> int:\n    return sum(1 for i in range(len(items))\n"
            "               for j in range(i + 1, len(items)) if items[i] > items[j])\n",
            "assert candidate([1, 2, 3]) == 0\nassert candidate([3, 2, 1]) == 3\nassert candidate([2, 4, 1, 3, 5]) == 3"),
    checked("matrix_transpose", "(matrix: list) -> list", "returns the transpose of a rectangular matrix "
            "given as a list of rows.",
            "def matrix_transpose(matrix: list) -> list:\n    return [list(row) for row in zip(*matrix)]\n",
            "assert candidate([[1, 2], [3, 4]]) == [[1, 3], [2, 4]]\nassert candidate([[1, 2, 3]]) == [[1], [2], [3]]\n"
            "assert candidate([]) == []"),
    checked("balanced_brackets", "(text: str) -> bool", "returns True when every (, [ and { in `text` is "
            "closed in the right order.",
            "def balanced_brackets(text: str) -> bool:\n    pairs = {')': '(', ']': '[', '}': '{'}\n    stack = []\n"
            "    for ch in text:\n        if ch in '([{':\n            stack.append(ch)\n        elif ch in pairs:\n"
            "            if not stack or stack.pop() != pairs[ch]:\n                return False\n    return not stack\n",
            "assert candidate('([]{})')\nassert not candidate('(]')\nassert not candidate('((')\nassert candidate('a(b)c')"),
    checked("roman_numeral", "(n: int) -> str", "returns the Roman numeral for 1 <= n <= 3999.",
            "def roman_numeral(n: int) -> str:\n    table = [(1000, 'M'), (900, 'CM'), (500, 'D'), (400, 'CD'), (100, 'C'),\n"
            "             (90, 'XC'), (50, 'L'), (40, 'XL'), (10, 'X'), (9, 'IX'), (5, 'V'), (4, 'IV'), (1, 'I')]\n"
            "    out = ''\n    for value, letters in table:\n        while n >= value:\n"
            "            out += letters\n            n -= value\n    return out\n",
            "assert candidate(4) == 'IV'\nassert candidate(1994) == 'MCMXCIV'\nassert candidate(3999) == 'MMMCMXCIX'"),
    script("prints the sum of the two integers on its one line.",
           "a, b = map(int, input().split())\nprint(a + b)\n",
           [("1 2\n", "3\n"), ("-5 5\n", "0\n"), ("1000000 2000000\n", "3000000\n")]),
    script("prints the lines it reads in reverse order.",
           "import sys\nlines = sys.stdin.read().splitlines()\nprint('\\n'.join(reversed(lines)))\n",
           [("a\nb\nc\n", "c\nb\na\n"), ("only\n", "only\n")]),
    script("reads n on the first line and n integers on the second, and prints their maximum and minimum "
           "separated by a space.",
           "n = int(input())\nvalues = list(map(int, input().split()))\nprint(max(values), min(values))\n",
           [("3\n4 -1 7\n", "7 -1\n"), ("1\n5\n", "5 5\n")]),
    script("reads a word and prints YES if it is a palindrome and NO otherwise.",
           "word = input().strip()\nprint('YES' if word == word[::-1] else 'NO')\n",
           [("level\n", "YES\n"), ("synth\n", "NO\n"), ("a\n", "YES\n")]),
    script("reads an integer n and prints the numbers from 1 to n, but Fizz for multiples of 3, Buzz for "
           "multiples of 5 and FizzBuzz for multiples of both, one per line.",
           "n = int(input())\nfor k in range(1, n + 1):\n    print('FizzBuzz' if k % 15 == 0 else 'Fizz' if k % 3 == 0\n"
           "          else 'Buzz' if k % 5 == 0 else k)\n",
           [("5\n", "1\n2\nFizz\n4\nBuzz\n"), ("15\n", "1\n2\nFizz\n4\nBuzz\nFizz\n7\n8\nFizz\nBuzz\n11\nFizz\n13\n14\nFizzBuzz\n")]),
    script("reads a line of text and prints how many words it has.",
           "print(len(input().split()))\n",
           [("the quick brown fox\n", "4\n"), ("   \n", "0\n"), ("one\n", "1\n")]),
    script("reads an integer n and prints n! (n factorial).",
           "import math\nprint(math.factorial(int(input())))\n",
           [("0\n", "1\n"), ("5\n", "120\n"), ("20\n", "2432902008176640000\n")]),
    script("reads integers, one per line, until the end of input and prints their sum.",
           "import sys\nprint(sum(int(line) for line in sys.stdin if line.strip()))\n",
           [("1\n2\n3\n", "6\n"), ("", "0\n"), ("-10\n10\n", "0\n")]),
    script("reads two lines and prints the characters they have in common, sorted and without repeats.",
           "a = set(input())\nb = set(input())\nprint(''.join(sorted((a & b) - {' '})))\n",
           [("hello\nworld\n", "lo\n"), ("abc\nxyz\n", "\n")]),
    script("reads an integer n and prints the first n rows of Pascal's triangle, numbers separated by spaces.",
           "n = int(input())\nrow = [1]\nfor _ in range(n):\n    print(' '.join(map(str, row)))\n"
           "    row = [1] + [a + b for a, b in zip(row, row[1:])] + [1]\n",
           [("1\n", "1\n"), ("4\n", "1\n1 1\n1 2 1\n1 3 3 1\n")]),
]


def render() -> str:
    """The file's text: one JSON object a line, with an id each."""
    lines = []
    for number, problem in enumerate(PROBLEMS, start=1):
        row = {"id": f"code_{number:03d}", **problem}
        lines.append(json.dumps(row, ensure_ascii=False) + "\n")
    return "".join(lines)


def main() -> int:
    OUTPUT.write_text(render(), encoding="utf-8")
    print(f"wrote {len(PROBLEMS)} problems to {OUTPUT}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
