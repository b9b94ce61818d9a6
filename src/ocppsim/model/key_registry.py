"""The configuration key registry (OCPP 1.6 section 9 "Standard Configuration Key Names & Values"): how a
key is declared (type, access, default, validation) and the store of current values. The keys themselves
are declared by the blocks that own them (`<block>/keys.py`, collected by `key_catalogue.py`).

Values are kept as canonical strings, as they travel on the wire (GetConfiguration, ChangeConfiguration);
typed getters convert. Key names are CiString50: matched case-insensitively, answered canonically.
"""

from __future__ import annotations

import math
import string
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Final

from ocppsim.model.types import ConfigurationStatus, Measurand, Phase

__all__ = [
    "SUPPORTED_MEASURANDS",
    "ConfigStore",
    "KeySpec",
    "KeyType",
    "KeyValue",
    "parse_measurand_list",
]


class KeyType(Enum):
    BOOL = "bool"
    INT = "int"
    FLOAT = "float"
    CSL = "csl"
    MEASURANDS = "measurands"
    STRING = "string"
    HEX_KEY = "hex_key"
    PASSWORD = "password"  # OCPP 2.0.1 SecurityCtrlr.BasicAuthPassword


# Measurands this simulator can produce from its meter/EV model (metering.md section 2).
SUPPORTED_MEASURANDS: Final = frozenset(
    {
        Measurand.ENERGY_ACTIVE_IMPORT_REGISTER,
        Measurand.ENERGY_ACTIVE_EXPORT_REGISTER,
        Measurand.POWER_ACTIVE_IMPORT,
        Measurand.POWER_OFFERED,
        Measurand.CURRENT_IMPORT,
        Measurand.CURRENT_OFFERED,
        Measurand.VOLTAGE,
        Measurand.SOC,
        Measurand.FREQUENCY,
        Measurand.TEMPERATURE,
    }
)


@dataclass(frozen=True, slots=True)
class KeySpec:
    name: str
    type: KeyType
    default: str
    readonly: bool = False
    write_only: bool = False  # AuthorizationKey: never reported by GetConfiguration
    reboot_required: bool = False  # ChangeConfiguration answers RebootRequired
    max_items_key: str | None = None  # CSL keys: "<Key>MaxLength"
    minimum: float | None = 0  # numbers: negative values are Rejected (configuration-keys.md)
    maximum: float | None = None
    choices: frozenset[str] | None = None
    # Other spellings central systems use for this key (e.g. MeterValuesSampleInterval, as the
    # charger-sim-ocpp simulator names MeterValueSampleInterval): Get/ChangeConfiguration accept them for
    # the same value and answer under the name asked for; the full listing names only the real key.
    aliases: tuple[str, ...] = ()
    # The feature profile the key belongs to (OCPP 1.6 sections 9.2-9.4; None: Core or no profile): a
    # charge point without that profile (SupportedFeatureProfiles) does not have the key.
    profile: str | None = None


@dataclass(frozen=True, slots=True)
class KeyValue:
    key: str
    readonly: bool
    value: str | None


def parse_measurand_list(text: str) -> list[tuple[Measurand, Phase | None]] | None:
    """Parse a measurand CSL ("Energy.Active.Import.Register,Voltage.L1-N"); None if any item is unknown."""
    result: list[tuple[Measurand, Phase | None]] = []
    if text.strip() == "":
        return result
    for raw in text.split(","):
        item = raw.strip()
        try:
            measurand = Measurand(item)
        except ValueError:
            head, _, tail = item.rpartition(".")
            try:
                measurand, phase = Measurand(head), Phase(tail)
            except ValueError:
                return None
            if measurand not in SUPPORTED_MEASURANDS:
                return None
            result.append((measurand, phase))
            continue
        if measurand not in SUPPORTED_MEASURANDS:
            return None
        result.append((measurand, None))
    return result


# One tuple per distinct measurand list: a fleet's chargers share them, and the meter keeps its sampling
# plan per list object (model/meter.py).
_MEASURAND_TUPLES: dict[str, tuple[tuple[Measurand, Phase | None], ...]] = {}


def _measurand_tuple(text: str) -> tuple[tuple[Measurand, Phase | None], ...]:
    found = _MEASURAND_TUPLES.get(text)
    if found is None:
        found = tuple(parse_measurand_list(text) or ())
        if len(_MEASURAND_TUPLES) < 1000:  # values come from the CSMS: bound what is kept
            _MEASURAND_TUPLES[text] = found
    return found


_PASSWORD_CHARS: Final = frozenset(string.ascii_letters + string.digits + "*-_=:+|@.")


def _bool_text(value: str) -> str | None:
    lowered = value.strip().lower()
    return lowered if lowered in ("true", "false") else None


def _canonical(spec: KeySpec, value: str, lookup: Callable[[str], str]) -> str | None:
    """The canonical string for `value`, or None when the value is invalid for this key."""
    if spec.type is KeyType.BOOL:
        return _bool_text(value)
    if spec.type is KeyType.INT:
        text = value.strip()
        # ASCII digits with at most one sign: str.isdigit() also takes "¹" and lstrip("-") "--5", which
        # int() refuses (a crash on a CSMS's ChangeConfiguration), and int() reads other scripts' digits.
        digits = text[1:] if text.startswith("-") else text
        if not (digits.isascii() and digits.isdigit()):
            return None
        number = int(text)
        if (spec.minimum is not None and number < spec.minimum) or (
            spec.maximum is not None and number > spec.maximum
        ):
            return None
        return str(number)
    if spec.type is KeyType.FLOAT:
        try:
            fnumber = float(value)
        except ValueError:
            return None
        if not math.isfinite(fnumber):
            return None
        if (spec.minimum is not None and fnumber < spec.minimum) or (
            spec.maximum is not None and fnumber > spec.maximum
        ):
            return None
        return repr(fnumber)
    if spec.type in (KeyType.CSL, KeyType.MEASURANDS):
        items = [item.strip() for item in value.split(",")] if value.strip() else []
        if spec.max_items_key is not None and len(items) > int(lookup(spec.max_items_key)):
            return None
        if spec.type is KeyType.MEASURANDS and parse_measurand_list(value) is None:
            return None
        if spec.choices is not None and any(item not in spec.choices for item in items):
            return None
        return ",".join(items)
    if spec.type is KeyType.PASSWORD:
        # OCPP 2.0.1 A00 / TC_A_01: 16 to 40 characters, alphanumerics and identifierString's specials.
        if not 16 <= len(value) <= 40 or any(ch not in _PASSWORD_CHARS for ch in value):
            return None
        return value
    if spec.type is KeyType.HEX_KEY:
        # Security Whitepaper / OCPP-J 6.2: 16-20 bytes written as 32-40 hex digits.
        text = value.strip()
        if not 32 <= len(text) <= 40 or any(ch not in string.hexdigits for ch in text):
            return None
        return text
    if spec.choices is not None and value not in spec.choices:
        return None
    return value


# Spec tables are immutable and shared by every charger with the same shape (fleets hold thousands).
_SPEC_TABLES: dict[tuple[KeySpec, ...], dict[str, KeySpec]] = {}


def _spec_table(specs: Iterable[KeySpec]) -> dict[str, KeySpec]:
    key = tuple(specs)
    table = _SPEC_TABLES.get(key)
    if table is None:
        table = {spec.name.lower(): spec for spec in key}
        for spec in key:
            for alias in spec.aliases:
                table.setdefault(alias.lower(), spec)
        _SPEC_TABLES[key] = table
    return table


def _asked_name(spec: KeySpec, asked: str) -> str:
    """The spelling to answer with: the alias when one was asked for, else the canonical name."""
    if not spec.aliases:
        return spec.name  # nearly every key: no second spelling to look for
    lowered = asked.lower()
    return next((alias for alias in spec.aliases if alias.lower() == lowered), spec.name)


# Copy-on-write values: the chargers of one template start with equal values (the template's overrides
# over the same spec table), so they share one values dict and one parse cache until a charger stores a
# value of its own (about 0.8 KiB per charger in a fleet). Bounded: chargers restored with values of
# their own (AuthorizationKey, a CSMS's ChangeConfiguration) past this many shapes keep their own dicts.
_SHARED_LIMIT = 256
# An empty frozenset is 216 B, and not a singleton since Python 3.10: one for every charger.
_NOTHING_PINNED: Final[frozenset[str]] = frozenset()
_SHARED: dict[tuple[int, frozenset[tuple[str, str]]], tuple[dict[str, str], dict[str, object]]] = {}


class ConfigStore:
    """Current values of all supported keys; the charger applies the live effects of a change.

    Only values that differ from the defaults are held, and those shared between chargers whose values
    are equal until one of them changes (copy on write)."""

    __slots__ = ("_shared", "_specs", "_typed", "_values", "pinned")

    def __init__(self, specs: Iterable[KeySpec], overrides: Mapping[str, str] | None = None) -> None:
        self._specs = _spec_table(specs)
        self._values: dict[str, str] = {}
        # Parsed values by the key as asked for: the model asks for the same numbers and lists on every
        # sample and tick. Emptied on every change (a value may be canonicalised against another key).
        self._typed: dict[str, object] = {}
        self._shared = False  # _values and _typed are shared with other chargers: copy before writing
        # Keys read-only on this charger because of how it is built (lower-case names; errata 3.83: a
        # fixed cable makes UnlockConnectorOnEVSideDisconnect RO). model/hardware.py sets them.
        self.pinned: frozenset[str] = _NOTHING_PINNED
        for key, value in (overrides or {}).items():
            self._load(key, value)
        self._share()

    def _share(self) -> None:
        """Take the dicts of an earlier store with the same spec table and values (or offer these)."""
        # Spec tables live as long as the process (_SPEC_TABLES): their id names one for good.
        shape = (id(self._specs), frozenset(self._values.items()))
        shared = _SHARED.get(shape)
        if shared is None:
            if len(_SHARED) >= _SHARED_LIMIT:
                return
            shared = _SHARED[shape] = (self._values, self._typed)
        self._values, self._typed = shared
        self._shared = True

    def _own(self) -> None:
        """About to change a value: from now on this charger's values are its own."""
        if self._shared:
            self._values = dict(self._values)
            self._typed = {}
            self._shared = False

    def spec(self, key: str) -> KeySpec | None:
        return self._specs.get(key.lower())

    def load(self, key: str, value: str) -> bool:
        """Set a value from a trusted source (INI, persisted store); invalid or unknown values are ignored."""
        if not self._load(key, value):
            return False
        self._share()
        return True

    def _load(self, key: str, value: str) -> bool:
        spec = self.spec(key)
        if spec is None:
            return False
        canonical = _canonical(spec, value, self.raw)
        if canonical is None:
            return False
        self._own()
        self._values[spec.name.lower()] = canonical
        self._typed.clear()
        return True

    def raw(self, key: str) -> str:
        spec = self._specs[key.lower()]
        value = self._values.get(spec.name.lower())  # an alias reads the key's value
        return value if value is not None else spec.default

    # Each getter re-parses when the cached value is of another type (a key read as two types).

    def get_bool(self, key: str) -> bool:
        value = self._typed.get(key)
        if type(value) is not bool:
            value = self._typed[key] = self.raw(key) == "true"
        return value

    def get_int(self, key: str) -> int:
        value = self._typed.get(key)
        if type(value) is not int:
            value = self._typed[key] = int(self.raw(key))
        return value

    def get_float(self, key: str) -> float:
        value = self._typed.get(key)
        if type(value) is not float:
            value = self._typed[key] = float(self.raw(key))
        return value

    def get_measurands(self, key: str) -> tuple[tuple[Measurand, Phase | None], ...]:
        value = self._typed.get(key)
        if type(value) is not tuple:
            value = self._typed[key] = _measurand_tuple(self.raw(key))
        return value

    def validate(self, key: str, value: str) -> tuple[ConfigurationStatus, str | None]:
        """ChangeConfiguration semantics (configuration-keys.md section 1): status and canonical value."""
        spec = self.spec(key)
        if spec is None:
            return ConfigurationStatus.NOT_SUPPORTED, None
        if self.readonly(spec):
            return ConfigurationStatus.REJECTED, None
        canonical = _canonical(spec, value, self.raw)
        if canonical is None:
            return ConfigurationStatus.REJECTED, None
        if spec.reboot_required:
            return ConfigurationStatus.REBOOT_REQUIRED, canonical
        return ConfigurationStatus.ACCEPTED, canonical

    def readonly(self, spec: KeySpec) -> bool:
        return spec.readonly or (bool(self.pinned) and spec.name.lower() in self.pinned)

    def store(self, key: str, canonical: str) -> str:
        """Store an already validated canonical value; returns the canonical key name."""
        spec = self._specs[key.lower()]
        self._own()
        self._values[spec.name.lower()] = canonical
        self._typed.clear()
        # Chargers the central system configures alike share again (the HeartbeatInterval of a
        # BootNotification.conf: every charger of a fleet stores the same).
        self._share()
        return spec.name

    def report(self, keys: Iterable[str] | None) -> tuple[list[KeyValue], list[str]]:
        """GetConfiguration: (known keys, unknown keys). No keys = every key except write-only ones."""
        wanted = list(keys or [])
        if not wanted:
            return [
                KeyValue(spec.name, self.readonly(spec), self.raw(name))
                for name, spec in self._specs.items()
                if not spec.write_only and name == spec.name.lower()  # aliases are not listed
            ], []
        known: list[KeyValue] = []
        unknown: list[str] = []
        for key in wanted:
            spec = self.spec(key)
            if spec is None:
                unknown.append(key)
            elif spec.write_only:
                # Known, but its value is a secret: report the key without a value (section 9 / Whitepaper).
                known.append(KeyValue(spec.name, self.readonly(spec), None))
            else:
                known.append(KeyValue(_asked_name(spec, key), self.readonly(spec), self.raw(spec.name)))
        return known, unknown
