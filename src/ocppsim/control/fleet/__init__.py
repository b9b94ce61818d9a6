"""The fleet surface: one process of a fleet run, its shards over worker processes, the parent's router
(REST API and text interface forwarded to the worker holding a charger) and the live view. It may use the
http and text rooms; they never use it."""
