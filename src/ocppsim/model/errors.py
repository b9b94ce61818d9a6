"""The model's exceptions. The adapter maps them to OCPP CallError codes (OCPP-J 1.6 section 4.2.3)."""

from __future__ import annotations

__all__ = ["ModelError", "UnknownConnectorError"]


class ModelError(Exception):
    """Base of model errors."""


class UnknownConnectorError(ModelError):
    """A request named a connector this charger does not have (errata 3.39: PropertyConstraintViolation)."""
