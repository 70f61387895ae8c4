"""Tests for kerasr.zeallot: zeallot 0.1's ``%<-%`` as ``unpack()``, and ``destructure()``.

Ported from zeallot 0.1's own tests (tests/testthat/test-operator.R, test-destructure.R,
test-pipe.R), its documented examples, ``reference/r-keras-api.md`` section 6 and the real
R session in ``reference/r-outputs/zeallot.txt`` / ``errors.txt``. The R line is quoted
above each case.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kerasr.errors import KerasrError
from kerasr.named_list import NamedList
from kerasr.zeallot import (
    UnpackDefaultError,
    UnpackError,
    UnpackPatternError,
    UnpackSyntaxError,
    UnpackValueCountError,
    destructure,
    unpack,
)
from kerasr.zeallot.parser import parse as parse_pattern

# the core subset that CI runs again on the JAX backend (`-m backend_core`)
pytestmark = pytest.mark.backend_core

COUNT = "invalid `%<-%` right-hand side, incorrect number of values"
LHS = "invalid `%<-%` left-hand side, "


def bound(pattern: str, value: Any, **kwargs: Any) -> dict[str, Any]:
    """The bindings of ``unpack`` as a plain dict (checks they equal what ``into`` gets)."""
    into: dict[str, Any] = {}
    result = unpack(pattern, value, into=into, **kwargs)
    assert isinstance(result, NamedList)
    assert all(into[name] is v for name, v in result.items())  # the very same objects
    return dict(result.items())


def count_error(pattern: str, value: Any) -> UnpackValueCountError:
    with pytest.raises(UnpackValueCountError) as info:
        unpack(pattern, value)
    assert str(info.value).startswith(COUNT)
    return info.value


def pattern_error(pattern: str, reason: str) -> UnpackPatternError:
    with pytest.raises(UnpackPatternError) as info:
        unpack(pattern, [1, 2])
    assert info.value.reason == LHS + reason
    assert str(info.value).splitlines()[0] == LHS + reason
    return info.value


# =====================================================================================
# zeallot.txt (the real R session) and errors.txt
# =====================================================================================
class TestRSession:
    def test_nested(self) -> None:
        # c(c(a, b), c(d, e)) %<-% list(list(1, 2), list(3, 4))
        assert bound("c(c(a, b), c(d, e))", [[1, 2], [3, 4]]) == {"a": 1, "b": 2, "d": 3, "e": 4}

    def test_collector_rest_from_vector_is_a_vector(self) -> None:
        # c(first, ...rest) %<-% 1:5 ; str(rest) -> int [1:4] 2 3 4 5
        got = bound("c(first, ...rest)", np.arange(1, 6))
        assert got["first"] == 1
        assert isinstance(got["rest"], np.ndarray)
        assert got["rest"].dtype == np.arange(1).dtype
        np.testing.assert_array_equal(got["rest"], [2, 3, 4, 5])

    def test_collector_head(self) -> None:
        # c(...head, last) %<-% 1:5
        got = bound("c(...head, last)", np.arange(1, 6))
        np.testing.assert_array_equal(got["head"], [1, 2, 3, 4])
        assert got["last"] == 5

    def test_skip_with_dot_and_c_as_a_name(self) -> None:
        # c(a, ., c) %<-% list(1, 2, 3)
        into: dict[str, Any] = {}
        result = unpack("c(a, ., c)", [1, 2, 3], into=into)
        assert into == {"a": 1, "c": 3}
        assert result.names() == ["a", "c"]
        assert "." not in into

    def test_data_frame_columns(self) -> None:
        # c(x, y) %<-% data.frame(x = 1:2, y = 3:4)
        df = pd.DataFrame({"x": [1, 2], "y": [3, 4]})
        got = bound("c(x, y)", df)
        assert isinstance(got["x"], pd.Series) and isinstance(got["y"], pd.Series)
        assert got["x"].tolist() == [1, 2]
        assert got["y"].tolist() == [3, 4]

    def test_defaults(self) -> None:
        # c(a, b = 2) %<-% list(1) ; c(a, b = 2) %<-% list(10, 20)
        assert bound("c(a, b = 2)", [1]) == {"a": 1, "b": 2}
        assert bound("c(a, b = 2)", [10, 20]) == {"a": 10, "b": 20}

    def test_string_split_into_characters(self) -> None:
        # c(ch1, ch2) %<-% "ab"
        assert bound("c(ch1, ch2)", "ab") == {"ch1": "a", "ch2": "b"}

    def test_string_of_wrong_length(self) -> None:
        # try(c(ch1, ch2) %<-% "abc") -> Error : invalid `%<-%` right-hand side, ...
        err = count_error("c(ch1, ch2)", "abc")
        assert (err.n_names, err.n_values) == (2, 3)

    def test_character_vector_is_not_split(self) -> None:
        # c(ch1, ch2) %<-% c("a", "b")
        assert bound("c(ch1, ch2)", ["a", "b"]) == {"ch1": "a", "ch2": "b"}
        assert bound("c(ch1, ch2)", np.array(["a", "b"])) == {"ch1": "a", "ch2": "b"}

    def test_destructure_strings(self) -> None:
        # zeallot::destructure("ab") ; str(zeallot::destructure("hello"))
        assert destructure("ab") == ["a", "b"]
        assert destructure("hello") == ["h", "e", "l", "l", "o"]

    def test_destructure_date(self) -> None:
        # d <- as.Date("2024-03-15"); zeallot::destructure(d); c(yr, mo, dy) %<-% d
        d = datetime.date(2024, 3, 15)
        assert destructure(d) == [2024, 3, 15]
        assert bound("c(yr, mo, dy)", d) == {"yr": 2024, "mo": 3, "dy": 15}

    def test_summary_like_named_list_keeps_names_in_collector(self) -> None:
        # c(cl, tt, ...rest) %<-% s ; names(rest) -> "residuals" "coefficients" ...
        names = ["call", "terms", "residuals", "coefficients", "aliased", "sigma", "df",
                 "r.squared", "adj.r.squared", "fstatistic", "cov.unscaled"]  # fmt: skip
        s = NamedList([(n, f"<{n}>") for n in names])
        assert destructure(s) == [f"<{n}>" for n in names]
        got = bound("c(cl, tt, ...rest)", s)
        assert got["cl"] == "<call>" and got["tt"] == "<terms>"
        assert isinstance(got["rest"], NamedList)
        assert got["rest"].names() == names[2:]

    def test_destructure_default_errors(self) -> None:
        # try(zeallot::destructure(factor(c("a", "b")))) -> incorrect number of values
        class Factor:
            pass

        with pytest.raises(UnpackValueCountError, match=re.escape(COUNT)):
            destructure(Factor())

    def test_lists_are_not_passed_to_destructure_by_unpack(self) -> None:
        # try(zeallot::destructure(list(1, "a")))  # lists are not passed to destructure()
        # kerasr's destructure() returns lists as they are, but unpack() never calls it on
        # a list: a one-element list holding a list does not fit c(a, b)
        assert destructure([1, "a"]) == [1, "a"]
        count_error("c(a, b)", [[1, "a"]])

    def test_keras_shape(self) -> None:
        # c(nr, nc) %<-% keras3::shape(3, 4)
        assert bound("c(nr, nc)", (3, 4)) == {"nr": 3, "nc": 4}

    def test_function_has_no_destructure_method(self) -> None:
        # try(c(f1, f2) %<-% mean) -> Error : invalid `%<-%` right-hand side, ...
        err = count_error("c(f1, f2)", len)
        assert "destructure() has no method" in str(err)

    def test_errors_txt(self) -> None:
        # c(a, b) %<-% list(1, 2, 3) ; c(a, b, d) %<-% list(1, 2) ; c(a, b) %<-% 1
        err = count_error("c(a, b)", [1, 2, 3])
        assert (err.n_names, err.n_values, err.pattern) == (2, 3, "c(a, b)")
        assert "`c(a, b)` has 2 names" in str(err) and "has 3" in str(err)
        err = count_error("c(a, b, d)", [1, 2])
        assert (err.n_names, err.n_values) == (3, 2)
        err = count_error("c(a, b)", 1)
        assert (err.n_names, err.n_values) == (2, 1)
        assert "1 (int)" in str(err)


# =====================================================================================
# zeallot 0.1 tests/testthat/test-operator.R
# =====================================================================================
class TestOperator:
    def test_standard_assignment(self) -> None:
        # a %<-% "foo" ; b %<-% list(1, 2, 3)
        assert bound("a", "foo") == {"a": "foo"}
        assert bound("b", [1, 2, 3]) == {"b": [1, 2, 3]}

    def test_extraction_targets_are_not_supported(self) -> None:
        # a[[1]] %<-% "b" ; e$a %<-% "b" ; c(x$a, y[[2]]) %<-% c(1, 2)
        for pattern, call in [("a[[1]]", "[["), ("e$a", "$"), ("c(x$a, y[[2]])", "$")]:
            with pytest.raises(UnpackPatternError, match=re.escape(f"unexpected call `{call}`")):
                unpack(pattern, "b")

    def test_single_name_in_c(self) -> None:
        # c(a) %<-% list("foo") ; c(b) %<-% c("bar")
        assert bound("c(a)", ["foo"]) == {"a": "foo"}
        assert bound("c(b)", np.array(["bar"])) == {"b": "bar"}
        assert bound("c(b)", "bar") == {"b": "bar"}

    def test_collected_vector_stays_a_vector(self) -> None:
        # c(a, ...b) %<-% 1:5 ; c(...c, d) %<-% c(TRUE, FALSE, FALSE)
        got = bound("c(a, ...b)", np.arange(1, 6))
        assert got["a"] == 1
        np.testing.assert_array_equal(got["b"], np.arange(2, 6))
        got = bound("c(...c, d)", np.array([True, False, False]))
        assert got["c"].dtype == bool
        np.testing.assert_array_equal(got["c"], [True, False])
        assert not got["d"]

    def test_unpacks_vector(self) -> None:
        # c(a, b) %<-% c("hello", "world")
        assert bound("c(a, b)", ["hello", "world"]) == {"a": "hello", "b": "world"}

    def test_does_not_unpack_nested_vectors(self) -> None:
        # c(c(a, b), c(d, e)) %<-% list(c(1, 2), c(3, 4))  -> error
        # c(a, b) %<-% list(c(1, 2), c(3, 4))               -> vectors kept
        err = count_error("c(c(a, b), c(d, e))", [np.array([1, 2]), np.array([3, 4])])
        assert "not a list" in str(err)
        got = bound("c(a, b)", [np.array([1, 2]), np.array([3, 4])])
        np.testing.assert_array_equal(got["a"], [1, 2])
        np.testing.assert_array_equal(got["b"], [3, 4])

    def test_unpacks_list(self) -> None:
        # c(a, b) %<-% list("hello", 3030)
        assert bound("c(a, b)", ["hello", 3030]) == {"a": "hello", "b": 3030}

    def test_unpacks_only_top_level(self) -> None:
        # c(a, b) %<-% list(list("hello", "world"), list("goodnight", "moon"))
        got = bound("c(a, b)", [["hello", "world"], ["goodnight", "moon"]])
        assert got == {"a": ["hello", "world"], "b": ["goodnight", "moon"]}
        # c(d, e) %<-% list(list("hello", "world"), 1:5)
        got = bound("c(d, e)", [["hello", "world"], np.arange(1, 6)])
        assert got["d"] == ["hello", "world"]
        np.testing.assert_array_equal(got["e"], np.arange(1, 6))

    def test_nested_values_by_nested_names(self) -> None:
        # c(a, c(b, d)) %<-% list("hello", list("moon", list("world", "!")))
        got = bound("c(a, c(b, d))", ["hello", ["moon", ["world", "!"]]])
        assert got == {"a": "hello", "b": "moon", "d": ["world", "!"]}

    def test_object_with_underlying_list_structure(self) -> None:
        # c(a, b) %<-% shape()  -> error until a destructure method exists
        class Shape:
            def __init__(self, sides: int = 4, color: str = "red") -> None:
                self.sides, self.color = sides, color

        count_error("c(a, b)", Shape())

        @destructure.register(Shape)
        def _(x: Shape) -> list[Any]:
            return [x.sides, x.color]

        assert bound("c(sides, color)", Shape()) == {"sides": 4, "color": "red"}
        assert bound("c(sides, color)", Shape(3, "green")) == {"sides": 3, "color": "green"}
        # a one-element list whose element has a method is destructured too
        assert bound("c(sides, color)", [Shape(5)]) == {"sides": 5, "color": "red"}

    def test_skips_values_with_dot(self) -> None:
        # c(a, ., c) %<-% list(1, 2, 3)
        assert bound("c(a, ., c)", [1, 2, 3]) == {"a": 1, "c": 3}
        # c(d, c(e, ., f), g) %<-% list(4, list(5, 6, 7), 8)
        got = bound("c(d, c(e, ., f), g)", [4, [5, 6, 7], 8])
        assert got == {"d": 4, "e": 5, "f": 7, "g": 8}

    def test_skips_multiple_values_with_dots(self) -> None:
        # c(a, ...) %<-% list(1, 2, 3, 4) ; c(..., b) %<-% list(1, 2, 3, 4)
        assert bound("c(a, ...)", [1, 2, 3, 4]) == {"a": 1}
        assert bound("c(..., b)", [1, 2, 3, 4]) == {"b": 4}

    def test_default_values(self) -> None:
        # c(a, b = 1) %<-% c(3)
        assert bound("c(a, b = 1)", np.array([3])) == {"a": 3, "b": 1}
        assert bound("c(a, b = 1)", 3) == {"a": 3, "b": 1}
        # c(d, e = iris, f = 3030) %<-% 5
        iris = pd.DataFrame({"Sepal.Length": [5.1, 4.9]})
        result = unpack("c(d, e = iris, f = 3030)", 5, into={"iris": iris})
        assert result.d == 5 and result.e is iris and result.f == 3030

    def test_default_null(self) -> None:
        # c(a, b = NULL) %<-% c(3)
        assert bound("c(a, b = NULL)", [3]) == {"a": 3, "b": None}
        # c(a, b = NA) %<-% c(3)  (defaults are R literals: Python's None is not one)
        assert bound("c(a, b = NA)", [3]) == {"a": 3, "b": None}

    def test_defaults_do_not_override_values(self) -> None:
        # c(a = 1, b = 4) %<-% 2 ; c(d = 5, e = 6) %<-% c(8, 9)
        assert bound("c(a = 1, b = 4)", 2) == {"a": 2, "b": 4}
        assert bound("c(d = 5, e = 6)", np.array([8, 9])) == {"d": 8, "e": 9}

    def test_unequal_numbers_of_names_and_values(self) -> None:
        # c(a, b) %<-% list(1) ; c(a, b, c) %<-% list(1) ; c(a, b, c) %<-% list(1, 2)
        # c(c(a, b), c(d, e, f)) %<-% list(list(1, 2), list(3, 4))
        count_error("c(a, b)", [1])
        count_error("c(a, b, c)", [1])
        count_error("c(a, b, c)", [1, 2])
        err = count_error("c(c(a, b), c(d, e, f))", [[1, 2], [3, 4]])
        assert err.group == "c(d, e, f)" and err.pattern == "c(c(a, b), c(d, e, f))"
        assert (err.n_names, err.n_values) == (3, 2)
        assert "inside `c(c(a, b), c(d, e, f))`" in str(err)

    def test_invalid_calls(self) -> None:
        # c(a + b) %<-% list(1) ; c(a, c(quote(d), c)) %<-% list(1, list(2, 3))
        err = pattern_error("c(a + b)", "unexpected call `+`")
        assert err.column == 5
        assert str(err).splitlines()[1:] == ["  c(a + b)", "      ^"]
        pattern_error("c(a, c(quote(d), c))", "unexpected call `quote`")

    def test_blank_variable(self) -> None:
        # c( , a) %<-% c(1, 2)
        err = pattern_error("c( , a)", "found empty variable, check for extraneous commas")
        assert err.column == 4
        pattern_error("c(a, )", "found empty variable, check for extraneous commas")
        pattern_error("c(a, , b)", "found empty variable, check for extraneous commas")

    def test_invalid_variables(self) -> None:
        # c(mean(1, 2), a) ; c(a, f()) ; f()
        pattern_error("c(mean(1, 2), a)", "unexpected call `mean`")
        err = pattern_error("c(a, f())", "expected symbol, but found call")
        assert err.column == 6
        pattern_error("f()", "expected symbol, but found call")

    def test_empty_list(self) -> None:
        # c(a, b) %<-% list()
        err = count_error("c(a, b)", [])
        assert err.n_values == 0
        count_error("c(a = 1, b = 2)", [])  # zeallot checks length 0 before defaults
        # c(a = 1) %<-% list()  # the message says why 0 values do not do
        err = count_error("c(a = 1)", [])
        assert "needs exactly 1 value (an empty value is never unpacked" in str(err)
        assert "1 to 2 values (an empty value" in str(count_error("c(a = 1, b = 2)", []))

    def test_braces(self) -> None:
        # c(1, 2) %->% {x:y}  -> unexpected call `{`
        pattern_error("{x:y}", "unexpected call `{`")


# =====================================================================================
# zeallot 0.1 tests/testthat/test-destructure.R and test-pipe.R
# =====================================================================================
class Point:
    def __init__(self, x: float, y: float) -> None:
        self.x, self.y = x, y


class TestDestructure:
    def test_atomics(self) -> None:
        assert destructure("hello") == ["h", "e", "l", "l", "o"]
        assert destructure(complex(33, -7)) == [33, -7]
        with pytest.raises(UnpackValueCountError, match="^" + re.escape(COUNT)):
            destructure(1)

    def test_data_frame_to_columns(self) -> None:
        df = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [4, 5, 6], "c": list("xyz")})
        cols = destructure(df)
        assert len(cols) == df.shape[1]
        for i, col in enumerate(cols):
            assert isinstance(col, pd.Series)
            pd.testing.assert_series_equal(col, df.iloc[:, i])
        assert all(len(c) == len(df) for c in cols)
        assert pd.DataFrame in destructure.registry
        # duplicated column names still give one Series per column
        dup = pd.DataFrame([[1, 2]], columns=["x", "x"])
        assert [c.tolist() for c in destructure(dup)] == [[1], [2]]

    def test_date_and_datetime(self) -> None:
        today = datetime.date.today()
        assert destructure(today) == [today.year, today.month, today.day]
        now = datetime.datetime(2024, 3, 15, 13, 45)
        assert destructure(now) == [2024, 3, 15]
        assert destructure(np.datetime64("2024-03-15")) == [2024, 3, 15]
        assert destructure(pd.Timestamp("2024-03-15 10:00")) == [2024, 3, 15]

    def test_complex(self) -> None:
        assert destructure(3 + 4j) == [3.0, 4.0]
        assert destructure(np.complex64(1 - 2j)) == [1.0, -2.0]
        assert bound("c(re, im)", 3 + 4j) == {"re": 3.0, "im": 4.0}

    def test_containers(self) -> None:
        assert destructure({"a": 1, "b": 2}) == [1, 2]
        assert destructure(NamedList(loss=0.3, mae=0.4)) == [0.3, 0.4]
        assert destructure((1, 2)) == [1, 2]
        assert destructure(pd.Series([1, 2], index=["a", "b"])) == [1, 2]
        assert destructure([1, 2]) == [1, 2]
        rows = destructure(np.arange(6).reshape(3, 2))
        assert len(rows) == 3
        np.testing.assert_array_equal(rows[1], [2, 3])

    def test_default_error_for_unknown_class(self) -> None:
        class Random:
            pass

        with pytest.raises(UnpackValueCountError, match=re.escape(COUNT)) as info:
            destructure(Random())
        assert "@destructure.register" in str(info.value)

    def test_user_extension(self) -> None:
        # registration by annotation needs a class the annotation can be resolved to
        @destructure.register
        def _(p: Point) -> list[Any]:
            return [p.x, p.y]

        assert destructure(Point(1, 2)) == [1, 2]
        assert bound("c(x, y)", Point(1, 2)) == {"x": 1, "y": 2}
        assert bound("c(x, ...rest)", Point(1, 2)) == {"x": 1, "rest": [2]}

    def test_pipe(self) -> None:
        # c(a, ...b) %<-% (1:5 %>% vapply(`==`, logical(1), 1) %>% as.list)
        got = bound("c(a, ...b)", [x == 1 for x in range(1, 6)])
        assert got == {"a": True, "b": [False, False, False, False]}


# =====================================================================================
# reference/r-keras-api.md section 6 and zeallot's documented examples
# =====================================================================================
class TestReference:
    def test_collectors_start_middle_end(self) -> None:
        # c(a, ...mid, b) %<-% list(1, 2, 3, 4)
        assert bound("c(a, ...mid, b)", [1, 2, 3, 4]) == {"a": 1, "mid": [2, 3], "b": 4}
        assert bound("c(...start, z)", [1, 2, 3, 4]) == {"start": [1, 2, 3], "z": 4}
        assert bound("c(a, b, ...rest)", [1, 2, 3, 4]) == {"a": 1, "b": 2, "rest": [3, 4]}
        # from a tuple, a collector is a list, as Python's starred assignment gives
        assert bound("c(a, ...rest)", (1, 2, 3)) == {"a": 1, "rest": [2, 3]}

    def test_collector_from_strings_is_a_list_of_characters(self) -> None:
        assert bound("c(first, ...rest)", "hello") == {"first": "h", "rest": list("ello")}

    def test_collector_needs_a_value_unless_defaulted(self) -> None:
        # c(a, ...b = 4) %<-% c(1)
        assert bound("c(a, ...b = 4)", [1]) == {"a": 1, "b": 4}
        assert bound("c(a, ...b = 4)", np.array([1])) == {"a": 1, "b": 4}
        err = count_error("c(a, ...b)", [1])
        assert "2 names including the collector `...b`" in str(err)
        assert "at least 2 values" in str(err)
        assert "has 1 name including the collector `...`" in str(count_error("c(...)", []))
        count_error("c(a, ..., b)", [1])

    def test_trailing_dot_needs_a_value(self) -> None:
        count_error("c(a, .)", [1])
        assert bound("c(a, .)", [1, 2]) == {"a": 1}

    def test_default_keeps_values_positional(self) -> None:
        # defaults fill the positions after the last value, as zeallot's add_defaults
        assert bound("c(a, b = 2, d = 3)", [1]) == {"a": 1, "b": 2, "d": 3}
        assert bound("c(a, b = 2, d = 3)", [1, 5]) == {"a": 1, "b": 5, "d": 3}
        count_error("c(a, b = 2, d)", [1])
        assert bound("c(a, ...mid, b = 9)", [1, 2]) == {"a": 1, "mid": [2], "b": 9}

    def test_nested_defaults(self) -> None:
        assert bound("c(a, c(b, d = 2))", [1, [5]]) == {"a": 1, "b": 5, "d": 2}
        # zeallot completes a nested single non-list value with defaults too
        assert bound("c(a, c(b, d = 2))", [1, 5]) == {"a": 1, "b": 5, "d": 2}
        assert bound("c(a, c(b = 1, d = 2))", [1, []]) == {"a": 1, "b": 1, "d": 2}
        count_error("c(x, c(b))", [1, 5])
        err = count_error("c(x, c(b, d))", [1, np.arange(3)])
        assert (err.n_names, err.n_values, err.group) == (2, 3, "c(b, d)")

    def test_operator_examples(self) -> None:
        mtcars = pd.DataFrame(
            {"mpg": [21.0, 22.8], "cyl": [6, 4], "disp": [160.0, 108.0], "hp": [110, 93]}
        )
        got = bound("c(mpg, cyl, disp, ...)", mtcars)
        assert list(got) == ["mpg", "cyl", "disp"]
        assert got["cyl"].tolist() == [6, 4]
        todos = ["make food", "pack lunch", "save world"]
        assert bound("c(..., task)", todos) == {"task": "save world"}
        assert bound("c(first, ., last)", ["Ursula", "K", "Le Guin"]) == {
            "first": "Ursula",
            "last": "Le Guin",
        }
        fibs = [1, [2, [3, [5]]]]
        assert bound("c(f2, c(f3, c(f4, c(f5))))", fibs) == {"f2": 1, "f3": 2, "f4": 3, "f5": 5}
        assert bound("c(f2, fibcdr)", fibs) == {"f2": 1, "fibcdr": [2, [3, [5]]]}
        names = ["Nathan,Maria,Matt,Polly", "Smith,Peterson,Williams,Jones"]
        got = bound("c(firsts, lasts)", [n.split(",") for n in names])
        assert got["firsts"][:2] == ["Nathan", "Maria"] and got["lasts"][0] == "Smith"
        assert bound("c(hour, period = NA)", "10:00 AM".split(" ")) == {
            "hour": "10:00",
            "period": "AM",
        }
        assert bound("c(hour, period = NA)", "15:00".split(" ")) == {
            "hour": "15:00",
            "period": None,
        }
        # list(1, 2, "a", "b", "c") %->% c(x, y, ...chars)
        assert bound("c(x, y, ...chars)", [1, 2, "a", "b", "c"]) == {
            "x": 1,
            "y": 2,
            "chars": ["a", "b", "c"],
        }

    def test_swap_without_temporaries(self) -> None:
        # c(a, b) %<-% c("eh", "bee") ; c(a, b) %<-% c(b, a)
        ns: dict[str, Any] = {}
        unpack("c(a, b)", ["eh", "bee"], into=ns)
        unpack("c(a, b)", [ns["b"], ns["a"]], into=ns)
        assert (ns["a"], ns["b"]) == ("bee", "eh")


# =====================================================================================
# kerasr specifics: NamedList, into=, defaults, parsing, errors
# =====================================================================================
def mnist_like() -> NamedList:
    return NamedList(
        train=NamedList(x=np.zeros((6, 28, 28), dtype=np.uint8), y=np.arange(6)),
        test=NamedList(x=np.ones((2, 28, 28), dtype=np.uint8), y=np.arange(2)),
    )


class TestKerasr:
    def test_mnist_pattern_on_named_lists(self) -> None:
        data = mnist_like()
        result = unpack("c(c(x_train, y_train), c(x_test, y_test))", data)
        assert result.names() == ["x_train", "y_train", "x_test", "y_test"]
        assert result.x_train is data.train.x and result.y_test is data.test.y
        x_train, y_train, x_test, y_test = result  # iteration gives the values
        assert x_train.shape == (6, 28, 28) and x_test.shape == (2, 28, 28)
        # Python's own unpacking does the same on the named list
        (a, b), (c, d) = data
        assert a is x_train and d is y_test

    def test_notebook_style_into_globals(self) -> None:
        notebook: dict[str, Any] = {"data": mnist_like(), "x": np.arange(1, 6)}
        cells = [
            "from kerasr.zeallot import unpack",
            'unpack("c(c(x_train, y_train), c(x_test, y_test))", data, into=globals())',
            "n_train, n_test = len(x_train), len(x_test)",
            'unpack("c(first, ...rest)", x, into=globals())',
            'unpack("c(lr, epochs = 10)", [0.01], into=globals())',
            # c(a, b = epochs) %<-% list(1)  (a default names a variable; no arithmetic)
            'unpack("c(a, b = epochs)", [1], into=globals())',
        ]
        for cell in cells:
            exec(cell, notebook)
        assert notebook["n_train"] == 6 and notebook["n_test"] == 2
        assert notebook["first"] == 1
        np.testing.assert_array_equal(notebook["rest"], [2, 3, 4, 5])
        assert notebook["lr"] == 0.01 and notebook["epochs"] == 10
        assert notebook["b"] == 10  # a default looked up in the notebook's names

    def test_returned_named_list_unpacks_with_python(self) -> None:
        a, b = unpack("c(a, b)", [1, 2])
        assert (a, b) == (1, 2)
        assert unpack("c(a, ., b)", [1, 2, 3]).to_dict() == {"a": 1, "b": 3}
        assert len(unpack(".", 5)) == 0

    def test_dict_and_series_values(self) -> None:
        got = bound("c(a, ...rest)", {"x": 1, "y": 2, "z": 3})
        assert got == {"a": 1, "rest": {"y": 2, "z": 3}}
        s = pd.Series([10, 20, 30], index=["p", "q", "r"])
        got = bound("c(a, ...rest)", s)
        assert got["a"] == 10
        assert isinstance(got["rest"], pd.Series) and got["rest"].index.tolist() == ["q", "r"]

    def test_collector_of_one_value_is_a_one_element_container(self) -> None:
        # zeallot 0.1 binds the bare value here; kerasr follows Python's starred unpacking
        assert bound("c(a, ...rest)", [1, 2]) == {"a": 1, "rest": [2]}
        got = bound("c(a, ...rest)", np.array([1, 2]))
        np.testing.assert_array_equal(got["rest"], [2])
        assert bound("c(...all)", [1, 2]) == {"all": [1, 2]}

    def test_array_top_level_along_first_axis(self) -> None:
        m = np.arange(6).reshape(3, 2)
        got = bound("c(r1, ...rest)", m)
        np.testing.assert_array_equal(got["r1"], [0, 1])
        assert got["rest"].shape == (2, 2)

    def test_defaults_are_lazy(self) -> None:
        # c(a, b = later) %<-% list(1, 2)  # `later` need not exist: b has a value
        assert bound("c(a, b = later)", [1, 2]) == {"a": 1, "b": 2}
        # later <- "default"; c(a, b = later) %<-% list(1)
        assert unpack("c(a, b = later)", [1], into={"later": "default"}).b == "default"
        later = "from the caller"  # noqa: F841 - found in the caller's variables
        assert unpack("c(a, b = later)", [1]).b == "from the caller"

    def test_defaults_fresh_each_time_and_r_constants(self) -> None:
        # c(a, b = list()) %<-% list(1)
        first = unpack("c(a, b = list())", [1]).b
        first.append(1)
        assert unpack("c(a, b = list())", [1]).b == []
        got = bound("c(a, t = TRUE, f = FALSE, n = NULL, v = c(1, 2), i = Inf)", [0])
        assert got == {"a": 0, "t": True, "f": False, "n": None, "v": [1, 2], "i": float("inf")}
        assert bound('c(a, s = "x, y)")', [0]) == {"a": 0, "s": "x, y)"}
        # c(a, d = list(k = c(1, 2))) %<-% list(0)
        got = unpack("c(a, d = list(k = c(1, 2)))", [0])
        assert got.a == 0 and got.d.to_dict() == {"k": [1, 2]}
        # c(a, n = -1L, x = 1e-3, h = 0x10, s = 'it\'s', v = c(1, c(2, 3), NULL)) %<-% 0
        got = bound("c(a, n = -1L, x = 1e-3, h = 0x10, s = 'it\\'s', v = c(1, c(2, 3), NULL))", 0)
        assert got == {"a": 0, "n": -1, "x": 0.001, "h": 16, "s": "it's", "v": [1, 2, 3]}
        assert isinstance(got["n"], int) and bound("c(a, e = c())", 0)["e"] is None

    def test_default_errors(self) -> None:
        # c(a, b = undefined_thing) %<-% list(1)  # Error: object 'undefined_thing' not found
        with pytest.raises(UnpackDefaultError, match="cannot evaluate the default of `b`") as info:
            unpack("c(a, b = undefined_thing)", [1])
        assert isinstance(info.value.__cause__, NameError)
        assert "object 'undefined_thing' not found" in str(info.value)
        # defaults are R literals: calls are refused when the pattern is parsed
        with pytest.raises(UnpackPatternError, match="not an R literal"):
            unpack("c(a, b = open('x'))", [1, 2])
        with pytest.raises(UnpackSyntaxError, match="cannot be parsed as R"):
            unpack("c(a, b = __import__('os'))", [1])  # `_` cannot start an R name
        # x.__class__ is one R name (dots are part of names), never an attribute
        with pytest.raises(UnpackDefaultError, match="object 'x.__class__' not found"):
            unpack("c(a, b = x.__class__)", [1], into={"x": 1})
        with pytest.raises(UnpackPatternError, match="not an R literal") as info2:
            unpack("c(a, b = [1, 2)", [1])
        assert info2.value.column == 10
        with pytest.raises(UnpackSyntaxError, match="default value of `b` is empty"):
            unpack("c(a, b = )", [1])

    def test_r_names(self) -> None:
        result = unpack("c(x.train, y.train)", [1, 2])
        assert result.to_dict() == {"x.train": 1, "y.train": 2}
        assert result["x.train"] == 1
        into: dict[str, Any] = {}
        with pytest.warns(UserWarning, match="`x.train` is not a Python identifier"):
            unpack("c(x.train, y)", [1, 2], into=into)
        assert into == {"x.train": 1, "y": 2}
        assert unpack("c(`my var`, b)", [1, 2]).to_dict() == {"my var": 1, "b": 2}
        assert unpack("c(.hidden, b)", [1, 2]).to_dict() == {".hidden": 1, "b": 2}
        assert bound("c(\n  a,  # first\n  b\n)", [1, 2]) == {"a": 1, "b": 2}
        assert bound("c(données, b)", [1, 2]) == {"données": 1, "b": 2}

    def test_syntax_errors_point_at_the_column(self) -> None:
        cases = {
            "c(a b)": 5,
            "c(a, b": 7,
            "c(a, _)": 6,
            "c(a, b))": 8,
            "c(a, 'b)": 6,
            "": 1,
            "c(if, b)": 3,
        }
        for pattern, column in cases.items():
            with pytest.raises(UnpackSyntaxError) as info:
                unpack(pattern, [1, 2])
            err = info.value
            assert err.column == column, pattern
            lines = str(err).splitlines()
            assert lines[0].startswith(LHS)
            if pattern:
                assert lines[1] == "  " + pattern
                assert lines[2] == "  " + " " * (column - 1) + "^"
        with pytest.raises(UnpackSyntaxError, match="use `.` to skip"):
            unpack("c(a, _)", [1, 2])

    def test_pattern_error_messages(self) -> None:
        assert pattern_error("c(a * b + d)", "unexpected call `+`").column == 9
        pattern_error("c(-a, b)", "unexpected call `-`")
        pattern_error("c(a, b %in% d)", "unexpected call `%in%`")
        pattern_error("c(1, a)", "expected symbol, but found numeric")
        pattern_error('c("a", b)', "expected symbol, but found character")
        pattern_error("c(TRUE, b)", "expected symbol, but found logical")
        pattern_error("c()", "expected symbol, but found call")
        pattern_error("c(a, c())", "expected symbol, but found call")
        # zeallot reports calls before variables, whatever their order
        pattern_error("c( , a + b)", "unexpected call `+`")
        pattern_error("c(f(), a + b)", "unexpected call `+`")

    def test_multiple_collectors(self) -> None:
        reason = "multiple collector variables at the same depth"
        err = pattern_error("c(a, ...b, ...c)", reason)
        assert err.column == 12
        pattern_error("c(...a, ...b)", reason)  # even when the counts would match
        pattern_error("c(x, c(..., ...y))", reason)
        # one per depth is fine
        assert bound("c(...a, c(b, ...d))", [1, 2, [3, 4, 5]]) == {
            "a": [1, 2],
            "b": 3,
            "d": [4, 5],
        }

    def test_whole_r_line_is_rejected_with_a_hint(self) -> None:
        with pytest.raises(UnpackPatternError, match="only the left-hand side"):
            unpack("c(a, b) %<-% list(1, 2)", [1, 2])
        with pytest.raises(UnpackPatternError, match="must be inside c"):
            unpack("...rest", [1, 2])
        with pytest.raises(UnpackPatternError, match="allowed only inside c"):
            unpack("a = 1", [1, 2])

    def test_error_classes(self) -> None:
        for cls in (UnpackValueCountError, UnpackPatternError, UnpackDefaultError):
            assert issubclass(cls, UnpackError)
        assert issubclass(UnpackSyntaxError, UnpackPatternError)
        assert issubclass(UnpackError, ValueError) and issubclass(UnpackError, KerasrError)
        with pytest.raises(TypeError, match="must be a string"):
            unpack(["a", "b"], [1, 2])  # type: ignore[arg-type]

    def test_patterns_are_parsed_once(self) -> None:
        parse_pattern.cache_clear()
        unpack("c(p, q)", [1, 2])
        unpack("c(p, q)", [3, 4])
        info = parse_pattern.cache_info()
        assert (info.misses, info.hits) == (1, 1)
        assert parse_pattern("c(p, q)") is parse_pattern("c(p, q)")


# =====================================================================================
# Property tests: unpack() binds what Python's nested unpacking binds
# =====================================================================================
# A spec is a list of items: ("name",), ("skip",), ("coll", named), ("group", spec).
Spec = list[tuple[Any, ...]]


@st.composite
def specs(draw: st.DrawFn, depth: int = 0) -> Spec:
    k = draw(st.integers(1, 4))
    ci = draw(st.none() | st.integers(0, k - 1))
    kinds = ["name", "name", "skip"] + (["group"] if depth < 2 else [])
    items: Spec = []
    for i in range(k):
        if i == ci:
            items.append(("coll", draw(st.booleans())))
        else:
            kind = draw(st.sampled_from(kinds))
            items.append(("group", draw(specs(depth + 1))) if kind == "group" else (kind,))
    return items


def render(spec: Spec, sep: str, counter: list[int]) -> tuple[str, str]:
    """The R pattern and the Python assignment target for a spec."""
    r_parts, py_parts = [], []
    for item in spec:
        counter[0] += 1
        n = counter[0]
        if item[0] == "name":
            r_parts.append(f"v{n}")
            py_parts.append(f"v{n}")
        elif item[0] == "skip":
            r_parts.append(".")
            py_parts.append(f"_skip{n}")
        elif item[0] == "coll":
            r_parts.append(f"...v{n}" if item[1] else "...")
            py_parts.append(f"*v{n}" if item[1] else f"*_anon{n}")
        else:
            r, py = render(item[1], sep, counter)
            r_parts.append(r)
            py_parts.append(py)
    trailing = "," if len(py_parts) == 1 else ""
    return "c(" + sep.join(r_parts) + ")", "(" + ", ".join(py_parts) + trailing + ")"


@st.composite
def values_for(draw: st.DrawFn, spec: Spec, counter: list[int], top: bool = True) -> Any:
    out: list[Any] = []
    for item in spec:
        if item[0] == "group":
            out.append(draw(values_for(item[1], counter, top=False)))
        elif item[0] == "coll":
            for _ in range(draw(st.integers(1, 3))):
                counter[0] += 1
                out.append(counter[0])
        else:
            counter[0] += 1
            out.append(counter[0])
    kind = draw(st.sampled_from(["list", "tuple", "namedlist"]))
    if kind == "tuple":
        return tuple(out)
    if kind == "namedlist":
        return NamedList([(f"n{i}", v) for i, v in enumerate(out)])
    return out


def as_plain(value: Any) -> Any:
    return list(value) if isinstance(value, NamedList) else value


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_property_unpack_binds_what_python_unpacking_binds(data: st.DataObject) -> None:
    spec = data.draw(specs())
    sep = data.draw(st.sampled_from([", ", ",", " , ", ",\n  "]))
    pattern, target = render(spec, sep, [0])
    value = data.draw(values_for(spec, [0]))
    ns: dict[str, Any] = {"value": value}
    exec(f"{target} = value", ns)
    expected = {k: v for k, v in ns.items() if re.fullmatch(r"v\d+", k)}
    into: dict[str, Any] = {}
    result = unpack(pattern, value, into=into)
    got = {k: as_plain(v) for k, v in result.items()}
    assert got == expected
    # bindings come in pattern order, and `into` gets the same
    assert result.names() == sorted(expected, key=lambda k: int(k[1:]))
    assert into.keys() == expected.keys()


@settings(max_examples=100, deadline=None)
@given(
    names=st.integers(1, 4),
    collector=st.none() | st.integers(0, 3),
    n=st.integers(1, 8),
)
def test_property_arrays_unpack_like_python(names: int, collector: int | None, n: int) -> None:
    items = [f"v{i}" for i in range(names)]
    py = list(items)
    if collector is not None and collector < names:
        items[collector] = "..." + items[collector]
        py[collector] = "*" + py[collector]
    value = np.arange(n) * 10
    ns: dict[str, Any] = {"value": value}
    fits = n == names if collector is None or collector >= names else n >= names
    if not fits:
        with pytest.raises(UnpackValueCountError, match="^" + re.escape(COUNT)):
            unpack("c(" + ", ".join(items) + ")", value)
        return
    exec("(" + ", ".join(py) + ",) = value", ns)
    result = unpack("c(" + ", ".join(items) + ")", value)
    for name, got in result.items():
        if isinstance(got, np.ndarray):
            assert got.tolist() == [int(x) for x in ns[name]]
        else:
            assert got == ns[name]


@st.composite
def mismatched(draw: st.DrawFn) -> tuple[str, Any]:
    """A pattern and a value whose count is wrong in exactly one c(...) group."""
    spec = draw(specs())
    pattern, _ = render(spec, ", ", [0])
    groups: list[Spec] = []

    def collect_groups(s: Spec) -> None:
        groups.append(s)
        for item in s:
            if item[0] == "group":
                collect_groups(item[1])

    collect_groups(spec)
    bad = draw(st.sampled_from(groups))
    counter = [0]

    def build(s: Spec) -> Any:
        out: list[Any] = []
        for item in s:
            if item[0] == "group":
                out.append(build(item[1]))
            elif item[0] == "coll":
                out.extend(range(counter[0], counter[0] + 2))
                counter[0] += 2
            else:
                counter[0] += 1
                out.append(counter[0])
        if s is bad:
            k = len(s)
            has_coll = any(item[0] == "coll" for item in s)
            if has_coll:
                n = draw(st.integers(0, k - 1))  # a collector needs a value of its own
            else:
                n = draw(st.integers(0, k + 3).filter(lambda m: m != k))
            out = (out * 3)[:n] if n <= len(out) else out + list(range(n - len(out)))
            if draw(st.booleans()) and s is not spec and n == 1:
                out = out[0] if not isinstance(out[0], list) else out
        return out

    value = build(spec)
    return pattern, value


@settings(max_examples=100, deadline=None)
@given(case=mismatched())
def test_property_mismatched_shapes_raise_the_count_error(case: tuple[str, Any]) -> None:
    pattern, value = case
    with pytest.raises(UnpackValueCountError) as info:
        unpack(pattern, value)
    assert str(info.value).startswith(COUNT + ": ")
    assert info.value.pattern == pattern


@settings(max_examples=50, deadline=None)
@given(value=st.one_of(st.integers(), st.floats(allow_nan=False), st.booleans(), st.none()))
def test_property_scalars_never_fit_two_names(value: Any) -> None:
    with pytest.raises(UnpackValueCountError):
        unpack("c(a, b)", value)


R_BITS = list("c(),.= ab+-*_`'\"[]{}$%<-1#\n") + ["...", "c(", "TRUE", "f(", "[[", "x.y", "= ["]


@settings(max_examples=100, deadline=None)
@given(text=st.lists(st.sampled_from(R_BITS), max_size=12).map("".join))
def test_property_any_pattern_parses_or_raises_a_pattern_error(text: str) -> None:
    try:
        parse_pattern(text)
    except UnpackPatternError as e:
        assert e.reason.startswith(LHS)
        assert 1 <= e.column <= len(text) + 1
