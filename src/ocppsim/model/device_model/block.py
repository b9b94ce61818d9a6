"""The device model's operations (OCPP 2.0.1 part 1 section 3; use cases B06 GetVariables, B05
SetVariables, B07 GetBaseReport, B08 GetReport): a view over the charger's one key registry and the
facts the blocks keep, made on access (no state of its own: values live in the registry and persist as
the 1.6 keys do).

Statuses (part 2 appendices, GetVariableStatusEnumType / SetVariableStatusEnumType): a component the
station does not have is UnknownComponent, a variable its component lacks UnknownVariable, an attribute
type the variable lacks NotSupportedAttributeType: answers, never a CallError (B06.FR.03-05, B05.FR.02-
04). A WriteOnly variable cannot be read (Rejected), a ReadOnly one not written (Rejected, B05.FR.05);
a value its characteristics refuse is Rejected (B05.FR.06); RebootRequired when the key needs one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ocppsim.model.charger_state import ChargerState
from ocppsim.model.device_model.variables import AttributeType, Mutability, VariableSpec, catalogue
from ocppsim.model.outgoing import ReportedVariable
from ocppsim.model.types import ConfigurationStatus

__all__ = ["ComponentRef", "DeviceModel", "VariableRef"]

# (key, value, now) -> the 1.6 ChangeConfiguration outcome (validation, owners' veto and hooks).
Configure = Callable[[str, str, float], ConfigurationStatus]
# (fact name, evse id or None, now) -> the value as text.
Fact = Callable[[str, int | None, float], str]

_SET_STATUS = {
    ConfigurationStatus.ACCEPTED: "Accepted",
    ConfigurationStatus.REBOOT_REQUIRED: "RebootRequired",
    ConfigurationStatus.REJECTED: "Rejected",
    ConfigurationStatus.NOT_SUPPORTED: "Rejected",
}


@dataclass(frozen=True, slots=True)
class ComponentRef:
    name: str
    instance: str | None = None
    evse: int | None = None
    connector: int | None = None


@dataclass(frozen=True, slots=True)
class VariableRef:
    name: str
    instance: str | None = None


def _lower(text: str | None) -> str | None:
    return text.lower() if text is not None else None


class DeviceModel:
    __slots__ = ("_configure", "_fact", "_s", "specs")

    def __init__(self, state: ChargerState, configure: Configure, fact: Fact, version: str) -> None:
        self._s = state
        self._configure = configure
        self._fact = fact
        params = state.params
        max_power = params.max_offer_a * state.voltage * params.phases
        self.specs = catalogue(
            version,
            evses=params.number_of_connectors,
            phases=params.phases,
            max_power_w=max_power,
            signing=bool(params.signed_meter_values),
        )

    # ------------------------------------------------------------------ lookup

    def _component(self, component: ComponentRef) -> list[VariableSpec]:
        # Component and variable names are CiString (case-insensitive, part 2 appendices 2.1.2).
        name = component.name.lower()
        if component.instance is not None:
            return []  # no component of this station has instances
        return [
            spec
            for spec in self.specs
            if spec.component.lower() == name
            and spec.evse == component.evse
            and (component.connector is None or spec.connector == component.connector)
            and (spec.connector is None or component.connector is not None)
        ]

    def find(self, component: ComponentRef, variable: VariableRef) -> tuple[VariableSpec | None, str | None]:
        """The variable, or None and UnknownComponent / UnknownVariable."""
        specs = self._component(component)
        if not specs:
            return None, "UnknownComponent"
        name, instance = variable.name.lower(), _lower(variable.instance)
        for spec in specs:
            if spec.variable.lower() == name and _lower(spec.instance) == instance:
                return spec, None
        return None, "UnknownVariable"

    def read(self, spec: VariableSpec, attribute: AttributeType, now: float) -> str:
        if attribute is not AttributeType.ACTUAL:
            source = dict(spec.extra)[attribute]
            return source
        if spec.value is not None:
            return spec.value
        if spec.key is not None:
            return self._s.config.raw(spec.key)
        assert spec.fact is not None
        return self._fact(spec.fact, spec.evse, now)

    # ------------------------------------------------------------------ GetVariables / SetVariables

    def get_variable(
        self, component: ComponentRef, variable: VariableRef, attribute: AttributeType, now: float
    ) -> tuple[str, str | None]:
        """(GetVariableStatusEnumType, attributeValue)."""
        spec, unknown = self.find(component, variable)
        if spec is None:
            assert unknown is not None
            return unknown, None
        if attribute not in spec.attributes:
            return "NotSupportedAttributeType", None
        if spec.mutability is Mutability.WRITE_ONLY:
            return "Rejected", None
        return "Accepted", self.read(spec, attribute, now)

    def set_variable(
        self,
        component: ComponentRef,
        variable: VariableRef,
        attribute: AttributeType,
        value: str,
        now: float,
    ) -> str:
        """SetVariableStatusEnumType."""
        spec, unknown = self.find(component, variable)
        if spec is None:
            assert unknown is not None
            return unknown
        if attribute not in spec.attributes:
            return "NotSupportedAttributeType"
        if (
            spec.mutability is Mutability.READ_ONLY
            or spec.key is None
            or attribute is not AttributeType.ACTUAL
        ):
            return "Rejected"
        return _SET_STATUS[self._configure(spec.key, value, now)]

    # ------------------------------------------------------------------ reports (B07, B08)

    def entry(self, spec: VariableSpec, now: float) -> ReportedVariable:
        attributes = tuple(
            (
                kind.value,
                None if spec.mutability is Mutability.WRITE_ONLY else self.read(spec, kind, now),
                spec.mutability.value if kind is AttributeType.ACTUAL else Mutability.READ_ONLY.value,
            )
            for kind in spec.attributes
        )
        return ReportedVariable(
            component=spec.component,
            evse=spec.evse,
            connector=spec.connector,
            variable=spec.variable,
            instance=spec.instance,
            attributes=attributes,
            data_type=spec.data_type.value,
            unit=spec.unit,
            min_limit=spec.min_limit,
            max_limit=spec.max_limit,
            values_list=spec.values_list,
            constant=spec.constant,
        )

    def base_report(self, report_base: str) -> list[VariableSpec] | None:
        """GetBaseReport's variables: ConfigurationInventory = what a CSMS can set, FullInventory = all,
        SummaryInventory = the availability of each component (part 2 appendices, ReportBaseEnumType).
        None: a report base this station does not know."""
        if report_base == "FullInventory":
            return list(self.specs)
        if report_base == "ConfigurationInventory":
            return [spec for spec in self.specs if spec.mutability is not Mutability.READ_ONLY]
        if report_base == "SummaryInventory":
            return [spec for spec in self.specs if spec.variable == "AvailabilityState"]
        return None

    def report(
        self,
        selectors: Iterable[tuple[ComponentRef, VariableRef | None]],
        criteria: Iterable[str],
        now: float,
    ) -> list[VariableSpec]:
        """GetReport (B08): the variables of the selected components (all when none is selected) whose
        component meets a criterion (Active / Available / Enabled / Problem: the component's variable
        of that name is true; B08.FR.04-06)."""
        chosen: list[VariableSpec] = []
        selectors = list(selectors)
        if not selectors:
            chosen = list(self.specs)
        for component, variable in selectors:
            specs = self._component(component)
            if variable is not None:
                specs = [
                    s
                    for s in specs
                    if s.variable.lower() == variable.name.lower()
                    and (variable.instance is None or _lower(s.instance) == variable.instance.lower())
                ]
            chosen.extend(s for s in specs if s not in chosen)
        wanted = [criterion.lower() for criterion in criteria]
        if not wanted:
            return chosen
        passing: dict[tuple[str, int | None, int | None], bool] = {}
        for spec in self.specs:
            if spec.variable.lower() in wanted and spec.mutability is not Mutability.WRITE_ONLY:
                place = (spec.component, spec.evse, spec.connector)
                ok = self.read(spec, AttributeType.ACTUAL, now).lower() == "true"
                passing[place] = passing.get(place, False) or ok
        return [s for s in chosen if passing.get((s.component, s.evse, s.connector), False)]
