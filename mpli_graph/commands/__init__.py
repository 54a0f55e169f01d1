"""Sub-commands of the ``mpli`` command, one module each."""
