"""Prometheus `/metrics` for a fleet: read from the fleet's counters at scrape time, so the per-message
path pays nothing for it (no per-message metric objects, no labels per charger)."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from ocppsim.control.readout import FleetReadout

__all__ = ["CONTENT_TYPE", "fleet_metrics"]

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
_QUANTILES = (0.5, 0.95, 0.99)


class _FleetCollector(Collector):
    def __init__(self, fleet: FleetReadout) -> None:
        self.fleet = fleet

    def collect(self) -> Iterator[Metric]:
        counts = self.fleet.counts()
        for name, value, text in (
            ("chargers", counts.chargers, "chargers in this fleet"),
            ("chargers_connected", counts.connected, "chargers with an open CSMS connection"),
            ("chargers_booted", counts.booted, "chargers whose BootNotification was Accepted"),
            ("chargers_charging", counts.charging, "chargers with a connector Charging"),
            ("outbox_queued", counts.queued, "messages waiting in the chargers' outboxes"),
        ):
            yield GaugeMetricFamily(f"ocppsim_{name}", text, value=value)
        stats = self.fleet.stats
        out = CounterMetricFamily(
            "ocppsim_calls_sent", "CALLs to the CSMS answered or failed", labels=["action"]
        )
        for action, count in sorted(stats.calls_out.items()):
            out.add_metric([action], count)
        yield out
        received = CounterMetricFamily("ocppsim_calls_received", "CALLs from the CSMS", labels=["action"])
        for action, count in sorted(stats.calls_in.items()):
            received.add_metric([action], count)
        yield received
        errors = CounterMetricFamily("ocppsim_call_errors", "failed CALLs by kind", labels=["kind"])
        for kind, count in sorted(stats.errors.items()):
            errors.add_metric([kind], count)
        yield errors
        latency = GaugeMetricFamily(
            "ocppsim_answer_latency_seconds",
            "CSMS answer latency over the recent window, by quantile",
            labels=["quantile"],
        )
        if any(stats.latency_histogram):
            for q in _QUANTILES:
                latency.add_metric([str(q)], stats.latency_s(q))
        yield latency


def fleet_metrics(fleet: FleetReadout) -> bytes:
    """The Prometheus text exposition of `fleet` now."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_FleetCollector(fleet))
    return generate_latest(registry)
