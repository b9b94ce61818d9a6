"""The Locust integration: `user` (ChargerUser, run by Locust on gevent) and `agent` (the asyncio fleet,
in a process of its own, that the users steer over stdio)."""
