#!/usr/bin/env python3
"""Apply the artifacts of a risk-table-mapping training run in plain Python.

Reference consumer of the files the batch job writes into ``model_artifacts/`` (see
``docs/artifacts.md``, "Reading the artifacts in Python"). Python 3.9+, standard library only.

    import risk_table_artifacts
    arts = risk_table_artifacts.load("out/german-credit/model_artifacts")
    row = arts.transform_record({"checking_status": "<0", "age": "", ...})

``transform_record`` takes one row as ``csv.DictReader`` gives it (column name -> text, ``''``
for null) and returns the row the batch job writes for it: the fields the job maps as floats,
every other column unchanged. The steps are the job's, in the job's order:

1. imputation (``impute_dict``): a null or all-space value of an imputed field becomes its
   impute value, as text (``"34"``, ``"21.323333333333334"``);
2. numeric binning (``numeric_bins``): a binned field becomes its bin index;
3. the encoding: risk tables (``risk_table_map``) or weight of evidence (``woe_table_map``).
   The risk tables of a multiclass label (``"target_type": "multiclass"``) replace a field
   ``f`` by one float per class, the columns ``f_<class>`` in class order, at ``f``'s place.

Command line: ``python3 risk_table_artifacts.py [--pickle] ARTIFACTS_DIR INPUT.csv OUTPUT.csv``
maps a CSV file (``.tsv`` and ``.gz`` too) as the job maps a shard; ``--self-test`` runs the
module's own checks.
"""

import bisect
import csv
import decimal
import gzip
import io
import json
import math
import os
import pickle
import re
import sys
import tempfile

__all__ = ["load", "Artifacts", "numeric_key", "java_double", "format_number"]

#: Text that is a number: an optional sign, digits with an optional fraction, an optional
#: exponent; nothing else (no blanks, no NaN, no Infinity). The job's ``NumericKeys.NUMBER_REGEX``.
NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")

#: The column name marker that stands for a dot in a field name (``a__DOT__b`` is field ``a.b``).
DOT = "__DOT__"

#: The event class whose WOE the batch job writes.
EVENT_CLASS = "1"

_MAX_EXACT_INTEGER = 2.0 ** 53


def numeric_key(value):
    """The numeric key of a value, as the job compares numbers, or None when it has none.

    Text counts when it matches ``NUMBER`` in full; numbers by value. NaN and infinities
    (``"1e999"`` too) give None; ``-0.0`` gives ``0.0``.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        v = float(value)
    elif isinstance(value, str) and NUMBER.fullmatch(value):
        v = float(value)
    else:
        return None
    if not math.isfinite(v):
        return None
    return 0.0 if v == 0.0 else v


def java_double(v):
    """``v`` as Java's ``Double.toString`` writes it (the text the job writes into CSV).

    Decimal notation for 1e-3 <= |v| < 1e7 (``0.5``, ``34.0``), else ``d.dddE<n>``
    (``1.0E-4``, ``1.2345678E7``); shortest digits that read back to ``v``.
    """
    v = float(v)
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    if v == 0.0:
        return "-0.0" if math.copysign(1.0, v) < 0 else "0.0"
    sign = "-" if v < 0 else ""
    a = abs(v)
    t = decimal.Decimal(repr(a)).normalize().as_tuple()
    ds = "".join(map(str, t.digits))
    e = len(ds) + t.exponent - 1  # a = d.ddd * 10^e
    if 1e-3 <= a < 1e7:
        if e >= 0:
            return sign + ds[:e + 1].ljust(e + 1, "0") + "." + (ds[e + 1:] or "0")
        return sign + "0." + "0" * (-e - 1) + ds
    return sign + ds[0] + "." + (ds[1:] or "0") + "E" + str(e)


def format_number(v):
    """An impute value as the job writes it into a text column: ``"34"`` for an integer, else
    ``java_double`` (``"21.323333333333334"``)."""
    v = float(v)
    if v == math.floor(v) and abs(v) <= _MAX_EXACT_INTEGER:
        return str(int(v))
    return java_double(v)


def _field(column):
    return column.replace(DOT, ".")


def _missing(value):
    """Imputation's missing: null, or text that is empty or only spaces (U+0020)."""
    return value is None or (isinstance(value, str) and value.strip(" ") == "")


class _PlainUnpickler(pickle.Unpickler):
    """Builds plain data only: a pickle that names a class or a function is refused."""

    def find_class(self, module, name):
        raise pickle.UnpicklingError("refusing %s.%s: the artifacts hold plain data only" % (module, name))


def _read_pickle(path):
    with open(path, "rb") as f:
        return _PlainUnpickler(f).load()


def _read_json(path, fmt, newest=1):
    with open(path, "r", encoding="utf-8") as f:
        doc = json.load(f)
    if not isinstance(doc, dict) or doc.get("format") != fmt:
        raise ValueError('%s: "format" must be "%s"' % (path, fmt))
    version = doc.get("format_version")
    if not isinstance(version, int) or version < 1:
        raise ValueError('%s: "format_version" must be an integer >= 1' % path)
    if version > newest:
        raise ValueError("%s: format_version %d is newer than this reader reads (%d)" % (path, version, newest))
    return doc


class _Table:
    """One field's encoding: mode, category -> value, the value of null and of unseen values."""

    __slots__ = ("field", "numeric", "values", "null_value", "unseen_value", "null_is_unseen")

    def __init__(self, field, mode, values, null_value, unseen_value):
        if mode not in ("categorical", "numeric"):
            raise ValueError("field '%s': mode must be categorical or numeric, not %r" % (field, mode))
        self.field = field
        self.numeric = mode == "numeric"
        self.values = {}
        for k, v in values.items():
            key = numeric_key(k) if self.numeric else k
            if key is None or not isinstance(key, (str, float)):
                raise ValueError("field '%s': bad %s key %r" % (field, mode, k))
            self.values[key] = float(v)
        self.null_value = float(null_value)
        self.unseen_value = float(unseen_value)

    def lookup(self, value):
        """``value``: None (null), text as read, or a float (a bin index)."""
        if value is None:
            return self.null_value
        if self.numeric:
            key = numeric_key(value)
            if key is None:
                # a number that is NaN or infinite is null; text that is not a number is unseen
                return self.null_value if isinstance(value, float) else self.unseen_value
        else:
            key = java_double(value) if isinstance(value, float) else value
        v = self.values.get(key)
        return self.unseen_value if v is None else v


class _ClassTables:
    """A multiclass field's risk tables: one ``_Table`` per class, in class order."""

    __slots__ = ("field", "classes", "tables")

    def __init__(self, field, classes, tables):
        self.field = field
        self.classes = list(classes)
        self.tables = list(tables)

    def lookup(self, value):
        """The risk of ``value`` for each class, in class order (a list of float)."""
        return [t.lookup(value) for t in self.tables]


class Artifacts:
    """The artifacts of one training run, ready to map records (see ``load``).

    Attributes (field names in dotted form, as in ``cat_field_list``):
      impute    field -> impute value (float); empty without ``impute_dict``
      bins      field -> inner bin edges, ascending (list of float); empty without binning
      encoding  ``"risk_table"``, ``"woe"``, or None when there are no tables
      tables    field -> the field's risk or WOE table (multiclass: its tables per class)
      classes   the classes of multiclass risk tables, in output order; None otherwise
    """

    def __init__(self, impute, bins, encoding, tables, classes=None):
        self.impute = dict(impute)
        self.bins = {f: [float(e) for e in edges] for f, edges in bins.items()}
        self.encoding = encoding
        self.tables = dict(tables)
        self.classes = None if classes is None else list(classes)
        for f, edges in self.bins.items():
            if any(not math.isfinite(e) for e in edges) or any(a >= b for a, b in zip(edges, edges[1:])):
                raise ValueError("field '%s': bin edges must be finite and increasing: %r" % (f, edges))
        self._fields = set(self.impute) | set(self.bins) | set(self.tables)

    def bin_index(self, field, value):
        """The bin of ``value`` (text or a number) for a binned field, as a float.

        With inner edges ``e[0] < ... < e[k-2]``, bin ``i`` holds ``e[i-1] <= v < e[i]`` (a value on
        an edge goes to the upper bin); a missing value (null, text that is not a number, NaN,
        infinite) goes to the missing bin ``k = len(e) + 1``.
        """
        edges = self.bins[field]
        v = numeric_key(value)
        if v is None:
            return float(len(edges) + 1)
        return float(bisect.bisect_right(edges, v))

    def transform_value(self, field, value):
        """One field's value through the chain; ``value`` is text (``''`` or None for null).

        Returns a float for a binned or encoded field (a list of floats, one per class in class
        order, for a field with multiclass risk tables), the impute value's text for an imputed
        null of a field that is neither, else ``value`` unchanged.
        """
        x = None if value == "" else value
        changed = False
        if field in self.impute and _missing(x):
            x = format_number(self.impute[field])
            changed = True
        if field in self.bins:
            x = self.bin_index(field, x)
            changed = True
        table = self.tables.get(field)
        if table is not None:
            return table.lookup(x)
        return x if changed else value

    def transform_record(self, record):
        """The row the batch job writes for ``record`` (column -> text, ``''`` for null).

        Returns a new dict with the record's columns in its order: binned and encoded fields as
        floats, other columns unchanged; a column ``c`` with multiclass risk tables is replaced,
        at its place, by the columns ``c_<class>`` (``output_columns``), in class order. Raises
        ValueError naming the fields the artifacts need that the record lacks (the job stops on
        such a split too).
        """
        out = {}
        seen = 0
        for column, value in record.items():
            field = _field(column)
            if field in self._fields:
                mapped = self.transform_value(field, value)
                if isinstance(self.tables.get(field), _ClassTables):
                    out.update(zip(self.output_columns([column]), mapped))
                else:
                    out[column] = mapped
                seen += 1
            else:
                out[column] = value
        if seen < len(self._fields):
            have = {_field(c) for c in record}
            lacking = sorted(f for f in self._fields if f not in have)
            if lacking:
                raise ValueError("the record lacks the fields %s (columns: %s)" % (lacking, list(record)))
        return out


    def output_columns(self, columns):
        """The columns ``transform_record`` gives for a record of ``columns``: each column whose
        field has multiclass risk tables replaced by ``column + "_" + cls`` for each class, in
        class order; every other column as it is."""
        out = []
        for column in columns:
            t = self.tables.get(_field(column))
            if isinstance(t, _ClassTables):
                out.extend("%s_%s" % (column, cls) for cls in t.classes)
            else:
                out.append(column)
        return out


def _risk_table(field, t, mode):
    """One risk table ``t`` (``default_bin``, ``bins``, maybe ``null_bin``) of ``mode``."""
    # a null category: "null_bin" in the JSON (format_version 2 and 3), the key None in the pickle
    bins = dict(t["bins"])
    null_bin = bins.pop(None) if None in bins else t.get("null_bin")
    null_value = t["default_bin"] if null_bin is None else null_bin
    return _Table(field, mode, bins, null_value, t["default_bin"])


def _risk_tables(tables, source):
    out = {}
    for field, t in tables.items():
        try:
            out[field] = _risk_table(field, t, t["mode"])
        except (KeyError, TypeError, ValueError) as e:
            raise ValueError("%s: field '%s': %s" % (source, field, e)) from e
    return out


def _is_multiclass(fields):
    """Whether a pickled ``risk_table_map`` holds multiclass tables (a field says so)."""
    return isinstance(fields, dict) and any(
        isinstance(t, dict) and t.get("target_type") == "multiclass" for t in fields.values())


def _multiclass_tables(tables, classes, source):
    """field -> ``_ClassTables`` and the classes, from the entries of a multiclass ``risk_table_map``
    (``classes``: the JSON's top-level list, or None for a pickle: the first field's)."""
    out = {}
    for field, t in tables.items():
        try:
            if t.get("target_type") != "multiclass":
                raise ValueError('target_type must be "multiclass"')
            if classes is None:
                classes = list(t["classes"])
            if list(t["classes"]) != list(classes) or sorted(t["class_tables"]) != sorted(classes):
                raise ValueError("classes %r and class_tables %r differ from the file's classes %r"
                                 % (t["classes"], list(t["class_tables"]), classes))
            out[field] = _ClassTables(field, classes,
                                      [_risk_table(field, t["class_tables"][c], t["mode"]) for c in classes])
        except (KeyError, TypeError, ValueError, AttributeError) as e:
            raise ValueError("%s: field '%s': %s" % (source, field, e)) from e
    return out, classes


def _woe_tables(tables, source, event_class):
    out = {}
    for field, t in tables.items():
        try:
            c = t["classes"][event_class]
            null_woe = c.get("null_woe")
            out[field] = _Table(field, t["mode"], c["woe"], 0.0 if null_woe is None else null_woe, 0.0)
        except (KeyError, TypeError, ValueError) as e:
            raise ValueError("%s: field '%s' (class %s): %s" % (source, field, event_class, e)) from e
    return out


def _pickled_bins(fields, source):
    """field -> inner edges from ``numeric_bins.pkl``: {field: {"edges", "closed", "missing_bin", "method"}}."""
    out = {}
    for field, b in fields.items():
        try:
            edges = list(b["edges"])
            if b.get("closed", "left") != "left":
                raise ValueError('"closed" must be "left", got %r' % (b["closed"],))
            if b.get("missing_bin", len(edges) + 1) != len(edges) + 1:
                raise ValueError("missing_bin must be %d (the number of edges plus one), got %r"
                                 % (len(edges) + 1, b["missing_bin"]))
            out[field] = edges
        except (KeyError, TypeError, ValueError) as e:
            raise ValueError("%s: field '%s': %s" % (source, field, e)) from e
    return out


def load(artifacts_dir, prefer_pickle=False, event_class=EVENT_CLASS):
    """Reads the artifacts folder of a training run (the job's ``model_artifacts/``).

    Reads, as the job's validation runs do: ``risk_table_map.json`` (else ``.pkl``; binary or
    multiclass tables), or, without risk tables, ``woe_table_map.json`` (else ``.pkl``); ``impute_dict.json`` (else ``.pkl``);
    ``numeric_bins.json`` (else ``.pkl``). ``prefer_pickle`` reads the ``.pkl`` of a pair instead
    of its JSON.
    Pickles are read as plain data only (one naming a class or function is refused).

    Raises FileNotFoundError when the folder does not exist or holds none of these files, and
    ValueError naming the file for a wrong format or a newer ``format_version``.
    """
    d = os.fspath(artifacts_dir)
    if not os.path.isdir(d):
        raise FileNotFoundError("%s: model artifacts folder does not exist" % d)

    def path(name):
        p = os.path.join(d, name)
        return p if os.path.isfile(p) else None

    def pair(stem):
        j, p = path(stem + ".json"), path(stem + ".pkl")
        if prefer_pickle and p:
            return None, p
        return (j, None) if j else (None, p)

    encoding, tables, classes = None, {}, None
    j, p = pair("risk_table_map")
    if j:
        doc = _read_json(j, "risk_table_map", 3)
        if doc.get("target_type") == "multiclass":
            if not isinstance(doc.get("classes"), list):
                raise ValueError('%s: "classes" must be a list' % j)
            tables, classes = _multiclass_tables(doc.get("risk_tables", {}), doc["classes"], j)
        elif doc["format_version"] > 2:
            raise ValueError('%s: format_version %d without "target_type": "multiclass"' % (j, doc["format_version"]))
        else:
            tables = _risk_tables(doc.get("risk_tables", {}), j)
        encoding = "risk_table"
    elif p:
        fields = _read_pickle(p)
        if _is_multiclass(fields):
            tables, classes = _multiclass_tables(fields, None, p)
        else:
            tables = _risk_tables(fields, p)
        encoding = "risk_table"
    else:
        j, p = pair("woe_table_map")
        if j:
            tables = _woe_tables(_read_json(j, "woe_table_map").get("woe_tables", {}), j, event_class)
            encoding = "woe"
        elif p:
            tables = _woe_tables(_read_pickle(p), p, event_class)
            encoding = "woe"

    impute = {}
    j, p = pair("impute_dict")
    if j:
        impute = _read_json(j, "impute_dict").get("impute_values", {})
    elif p:
        impute = _read_pickle(p)
    impute = {f: float(v) for f, v in impute.items()}

    bins = {}
    j, p = pair("numeric_bins")
    if j:
        bins = _read_json(j, "numeric_bins").get("bins", {})
    elif p:
        bins = _pickled_bins(_read_pickle(p), p)

    if encoding is None and not impute and not bins:
        raise FileNotFoundError("%s: no artifacts to apply (risk_table_map, woe_table_map, impute_dict or "
                                "numeric_bins)" % d)
    return Artifacts(impute, bins, encoding, tables, classes)


# ----------------------------------------------------------------------------- command line

def _open_text(path, mode):
    if path.endswith(".gz"):
        return io.TextIOWrapper(gzip.open(path, mode + "b"), encoding="utf-8", newline="")
    return open(path, mode, encoding="utf-8", newline="")


def map_file(artifacts, input_path, output_path):
    """Maps a CSV (or TSV, ``.gz`` too) file with a header row; floats written as Java writes
    them; the header as ``output_columns`` gives it. Returns the number of rows."""
    delimiter = "\t" if ".tsv" in os.path.basename(input_path) else ","
    n = 0
    with _open_text(input_path, "r") as src, _open_text(output_path, "w") as dst:
        reader = csv.DictReader(src, delimiter=delimiter)
        writer = csv.writer(dst, delimiter=delimiter, lineterminator="\n")
        writer.writerow(artifacts.output_columns(reader.fieldnames or []))
        for record in reader:
            row = artifacts.transform_record(record)
            writer.writerow([java_double(v) if isinstance(v, float) else v for v in row.values()])
            n += 1
    return n


def _self_test():
    """Checks against hand-computed values on small artifacts written here."""
    assert [numeric_key(s) for s in ("1", "1.0", "+1", "01", "-0", ".5", "1e999", " 1", "NaN", "abc", "")] \
        == [1.0, 1.0, 1.0, 1.0, 0.0, 0.5, None, None, None, None, None]
    assert [java_double(v) for v in (0.5, 34.0, 1e-4, 12345678.0, 1e7, 0.001, -2.5, 1e21, 123.456)] \
        == ["0.5", "34.0", "1.0E-4", "1.2345678E7", "1.0E7", "0.001", "-2.5", "1.0E21", "123.456"]
    assert [format_number(v) for v in (34.0, 21.323333333333334, -3.0)] == ["34", "21.323333333333334", "-3"]
    # a null category: the pickle's None key and the JSON's null_bin give the null value; unseen keep the default
    for t in ({"mode": "categorical", "default_bin": 0.25, "bins": {"car": 0.5, None: 0.75}},
              {"mode": "categorical", "default_bin": 0.25, "bins": {"car": 0.5}, "null_bin": 0.75}):
        nb = _risk_tables({"p": t}, "self-test")["p"]
        assert (nb.lookup(None), nb.lookup("car"), nb.lookup("boat")) == (0.75, 0.5, 0.25)
    with tempfile.TemporaryDirectory() as d:
        risk = {"purpose": {"varName": "purpose", "type": "categorical", "mode": "categorical",
                            "default_bin": 0.25, "bins": {"car": 0.5, "tv": 0.125}},
                "n": {"varName": "n", "type": "categorical", "mode": "numeric",
                      "default_bin": 0.25, "bins": {1: 0.75, 2.5: 0.0625}},
                "age": {"varName": "age", "type": "categorical", "mode": "numeric",
                        "default_bin": 0.25, "bins": {0: 0.1, 1: 0.2, 2: 0.3, 3: 0.4}}}
        with open(os.path.join(d, "risk_table_map.pkl"), "wb") as f:
            pickle.dump(risk, f, protocol=2)
        with open(os.path.join(d, "impute_dict.json"), "w") as f:
            json.dump({"format": "impute_dict", "format_version": 1, "impute_values": {"age": 30.0, "x": 2.5}}, f)
        with open(os.path.join(d, "numeric_bins.json"), "w") as f:
            json.dump({"format": "numeric_bins", "format_version": 1, "method": "quantile",
                       "bins": {"age": [25.0, 40.0]}}, f)
        a = load(d)
        rec = {"purpose": "car", "n": "1.0", "age": "40", "x": "", "class": "1"}
        assert a.transform_record(rec) == {"purpose": 0.5, "n": 0.75, "age": 0.3, "x": "2.5", "class": "1"}
        # null and unseen get the default; the edge 25 opens bin 1; a blank age is imputed 30 (bin 1);
        # text that is not a number is missing for binning (bin 3)
        assert a.transform_record({"purpose": "", "n": "abc", "age": "25", "x": "7", "class": ""}) \
            == {"purpose": 0.25, "n": 0.25, "age": 0.2, "x": "7", "class": ""}
        assert a.transform_value("age", " ") == 0.2 and a.transform_value("age", "old") == 0.4
        assert a.transform_value("age", "24.999") == 0.1 and a.transform_value("n", "+2.50") == 0.0625
        try:
            a.transform_record({"purpose": "car"})
            raise AssertionError("a record without n, age and x must be refused")
        except ValueError as e:
            assert "['age', 'n', 'x']" in str(e), e
        os.remove(os.path.join(d, "risk_table_map.pkl"))
        woe = {"format": "woe_table_map", "format_version": 1, "woe_tables": {
            "purpose": {"varName": "purpose", "mode": "categorical", "classes": {"1": {
                "prior": 0.3, "woe": {"car": 0.7, "tv": -0.2}, "woe_se": {"car": 0.1, "tv": 0.1},
                "null_woe": -0.05, "null_woe_se": 0.3}}},
            "age": {"varName": "age", "mode": "numeric", "classes": {"1": {
                "prior": 0.3, "woe": {"0": 0.4, "1": -0.1, "2": -0.3}, "woe_se": {"0": 1, "1": 1, "2": 1},
                "null_woe": None, "null_woe_se": None}}}}}
        with open(os.path.join(d, "woe_table_map.json"), "w") as f:
            json.dump(woe, f)
        w = load(d)
        assert w.encoding == "woe"
        # unseen -> 0; null -> null_woe; the missing bin (3) was not seen -> 0
        assert [w.transform_value("purpose", v) for v in ("car", "boat", "")] == [0.7, 0.0, -0.05]
        assert [w.transform_value("age", v) for v in ("20", "41", "old")] == [0.4, -0.3, 0.0]
        # the pickles hold the same content: the JSON's woe_tables, and per field edges, closed side, missing bin
        with open(os.path.join(d, "woe_table_map.pkl"), "wb") as f:
            pickle.dump(woe["woe_tables"], f, protocol=2)
        with open(os.path.join(d, "numeric_bins.pkl"), "wb") as f:
            pickle.dump({"age": {"edges": [30.0, 50.0], "closed": "left", "missing_bin": 3, "method": "quantile"}},
                        f, protocol=2)
        wp = load(d, prefer_pickle=True)
        # edges 30, 50 from the pickle (not the JSON's 25, 40): 41 -> bin 1, 50 -> bin 2
        assert [wp.transform_value("age", v) for v in ("41", "50", "old")] == [-0.1, -0.3, 0.0]
        assert wp.transform_value("purpose", "car") == 0.7
        with open(os.path.join(d, "numeric_bins.pkl"), "wb") as f:
            pickle.dump({"age": {"edges": [30.0], "closed": "right", "missing_bin": 2, "method": "quantile"}}, f)
        try:
            load(d, prefer_pickle=True)
            raise AssertionError("a closed side other than left must be refused")
        except ValueError as e:
            assert "closed" in str(e), e
        with open(os.path.join(d, "impute_dict.pkl"), "wb") as f:
            f.write(b"cos\nsystem\n(S'true'\ntR.")
        try:
            load(d, prefer_pickle=True)
            raise AssertionError("a pickle naming a function must be refused")
        except pickle.UnpicklingError:
            pass
    _self_test_multiclass()
    print("risk_table_artifacts: self-test passed")


def _self_test_multiclass():
    """Multiclass risk tables from the JSON and from the pickle: one column per class, in place."""
    def entry(field, mode, per_class):
        return {"varName": field, "type": "categorical", "mode": mode, "target_type": "multiclass",
                "classes": ["bad", "good"], "class_tables": per_class}
    pickled = {
        "purpose": entry("purpose", "categorical", {
            "bad": {"default_bin": 0.25, "bins": {"car": 0.5, "tv": 0.125}},
            "good": {"default_bin": 0.75, "bins": {"car": 0.5, "tv": 0.875, None: 0.625}}}),
        "n": entry("n", "numeric", {
            "bad": {"default_bin": 0.25, "bins": {1: 0.375, 2: 0.0625}},
            "good": {"default_bin": 0.75, "bins": {1: 0.625, 2: 0.9375}}})}
    as_json = {"format": "risk_table_map", "format_version": 3, "target_type": "multiclass",
               "classes": ["bad", "good"], "risk_tables": {
                   "purpose": entry("purpose", "categorical", {
                       "bad": {"default_bin": 0.25, "bins": {"car": 0.5, "tv": 0.125}},
                       "good": {"default_bin": 0.75, "null_bin": 0.625, "bins": {"car": 0.5, "tv": 0.875}}}),
                   "n": entry("n", "numeric", {
                       "bad": {"default_bin": 0.25, "bins": {"1": 0.375, "2": 0.0625}},
                       "good": {"default_bin": 0.75, "bins": {"1": 0.625, "2": 0.9375}}})}}
    with tempfile.TemporaryDirectory() as d:
        with open(os.path.join(d, "risk_table_map.pkl"), "wb") as f:
            pickle.dump(pickled, f, protocol=2)
        with open(os.path.join(d, "risk_table_map.json"), "w") as f:
            json.dump(as_json, f)
        with open(os.path.join(d, "impute_dict.json"), "w") as f:
            json.dump({"format": "impute_dict", "format_version": 1, "impute_values": {"n": 2.0}}, f)
        for a in (load(d), load(d, prefer_pickle=True)):
            assert a.encoding == "risk_table" and a.classes == ["bad", "good"]
            # tv: its risk per class; a blank n is imputed 2; "" purpose: default (bad), null bin (good)
            out = a.transform_record({"id": "7", "purpose": "tv", "n": "", "class": "good"})
            assert list(out) == ["id", "purpose_bad", "purpose_good", "n_bad", "n_good", "class"], out
            assert out == {"id": "7", "purpose_bad": 0.125, "purpose_good": 0.875, "n_bad": 0.0625, "n_good": 0.9375,
                           "class": "good"}, out
            assert a.transform_record({"purpose": "", "n": "1.0"}) \
                == {"purpose_bad": 0.25, "purpose_good": 0.625, "n_bad": 0.375, "n_good": 0.625}
            assert a.transform_value("purpose", "boat") == [0.25, 0.75]
            assert a.output_columns(["id", "purpose", "n"]) == ["id", "purpose_bad", "purpose_good", "n_bad", "n_good"]
        src, dst = os.path.join(d, "in.csv"), os.path.join(d, "out.csv")
        with open(src, "w") as f:
            f.write("purpose,n,class\ncar,2,bad\n")
        assert map_file(load(d), src, dst) == 1
        with open(dst) as f:
            assert f.read() == "purpose_bad,purpose_good,n_bad,n_good,class\n0.5,0.5,0.0625,0.9375,bad\n"
        as_json["format_version"] = 4
        with open(os.path.join(d, "risk_table_map.json"), "w") as f:
            json.dump(as_json, f)
        try:
            load(d)
            raise AssertionError("a newer format_version must be refused")
        except ValueError as e:
            assert "format_version 4 is newer" in str(e), e


def main(argv):
    args = list(argv)
    if args == ["--self-test"]:
        _self_test()
        return 0
    prefer_pickle = "--pickle" in args
    if prefer_pickle:
        args.remove("--pickle")
    if len(args) != 3:
        sys.stderr.write("usage: risk_table_artifacts.py [--pickle] ARTIFACTS_DIR INPUT.csv OUTPUT.csv\n"
                         "       risk_table_artifacts.py --self-test\n")
        return 2
    try:
        n = map_file(load(args[0], prefer_pickle=prefer_pickle), args[1], args[2])
    except (OSError, ValueError, pickle.UnpicklingError) as e:
        sys.stderr.write("risk_table_artifacts: error: %s\n" % e)
        return 1
    sys.stderr.write("risk_table_artifacts: %d rows mapped to %s\n" % (n, args[2]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
