"""CS->CP operations of the core block in 2.0.1: Reset (B11 OnIdle / Immediate, B12 with transactions),
ChangeAvailability (G03, G04), DataTransfer (P01), SetNetworkProfile (B09; the station connects by
NetworkConfigurationPriority, runtime/station.py)."""

from __future__ import annotations

import json

from ocppsim.model.types import AvailabilityType, ConfigurationStatus, ResetType
from ocppsim.ocpp201.handlers.call_error import Handler, Payload, evse_connector
from ocppsim.ocpp201.session import Session

__all__ = ["HANDLERS"]


def _reset(session: Session, p: Payload, now: float) -> Payload:
    if p.get("evseId") is not None:
        # Resetting one EVSE (B11.FR.08) is not supported: Rejected (TC_B_28).
        return {"status": "Rejected"}
    boot = session.charger.boot
    # Immediate (B11.FR.03/B12.FR.02): transactions end (stoppedReason ImmediateReset) and the station
    # restarts, as the 1.6 Soft reset does; OnIdle waits for them (B12.FR.01: Scheduled).
    # The next BootNotification says why (BootReasonEnumType; TC_B_21: ScheduledReset, TC_B_22: RemoteReset).
    if p["type"] == "Immediate":
        boot.reset(ResetType.SOFT, now)
        status = "Accepted"
    else:
        status = "Accepted" if boot.reset_on_idle(ResetType.SOFT, now) else "Scheduled"
    session.boot_reason = "ScheduledReset" if status == "Scheduled" else "RemoteReset"
    return {"status": status}


def _change_availability(session: Session, p: Payload, now: float) -> Payload:
    connector = evse_connector(session, p.get("evse"))
    if connector is None:
        return {"status": "Rejected"}
    availability = session.charger.availability
    status = availability.change_availability(connector, AvailabilityType(p["operationalStatus"]), now)
    return {"status": status.value}


# connectionData.ocppVersion this station can speak (OCPPVersionEnumType: OCPP20 stands for 2.0.x).
_VERSIONS = {"OCPP20": "2.0.1", "OCPP16": "1.6"}


def _set_network_profile(session: Session, p: Payload, now: float) -> Payload:
    """B09: store connectionData in a configuration slot of NetworkConfigurationPriority's valuesList
    (errata B09.FR.05); refuse what the station cannot use (B09.FR.04, TC_A_22): an OCPP version it does
    not speak, a lower security profile. A profile whose certificates the station lacks is stored: it is
    the NetworkConfigurationPriority that puts it in use which is Rejected (A05.FR.02/03, TC_A_20/21;
    security/block.py `key_allowed`)."""
    charger = session.charger
    data = p["connectionData"]
    slot = p["configurationSlot"]
    level = data["securityProfile"]
    versions = charger.params.ocpp_versions
    refused = (
        charger.config.spec(f"NetworkConnectionProfile.{slot}") is None
        or _VERSIONS.get(data["ocppVersion"]) not in versions
        or data["ocppTransport"] != "JSON"
        or not data["ocppCsmsUrl"].startswith(("ws://", "wss://"))
        or level < charger.config.get_int("SecurityProfile")
        or (level >= 2) != data["ocppCsmsUrl"].startswith("wss://")
    )
    if refused:
        return {"status": "Rejected"}
    text = json.dumps(data, separators=(",", ":"), sort_keys=True)
    status = charger.configuration.change_configuration(f"NetworkConnectionProfile.{slot}", text, now)
    # Rejected: a slot the priority lists, refilled with a profile the station's certificates do not
    # allow (A05.FR.02/03).
    return {"status": "Rejected" if status is ConfigurationStatus.REJECTED else "Accepted"}


def _data_transfer(session: Session, p: Payload, now: float) -> Payload:
    # No vendor extensions are implemented (P01.FR.06: UnknownVendorId).
    return {"status": "UnknownVendorId"}


HANDLERS: dict[str, Handler] = {
    "Reset": _reset,
    "ChangeAvailability": _change_availability,
    "DataTransfer": _data_transfer,
    "SetNetworkProfile": _set_network_profile,
}
