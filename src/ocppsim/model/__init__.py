"""The pure charger model: no I/O, no clock, no asyncio. Time is always passed in as `now`."""
