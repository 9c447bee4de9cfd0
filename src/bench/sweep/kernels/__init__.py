"""The processes a cell runs in: kernels forked from a warm server (``fork_server``, ``forked_kernels``)
and the watchdog that enforces a cell's time and memory limits (``watchdog``)."""
