"""What both ends of the WebSocket share, the charger runtime and the built-in central system alike: the
choice of WebSocket library and its closed-connection exceptions (`ws_library`), and the CALL counts and
answer-latency histograms either end keeps (`call_stats`). Neither end reaches into the other."""
