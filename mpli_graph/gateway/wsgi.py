"""A WSGI entry point for production servers, configured only by ``MPLI_`` environment variables.

``MPLI_ROLE`` chooses ``provider`` or ``marketplace``; every other setting is
read as :func:`~mpli_graph.gateway.config.config_from_environment` describes.
``MPLI_ADMIN_TOKEN_FILE`` names a file holding the admin token, for servers
that should not carry the token itself in their environment. When the
process has no logging configured yet, the entry point sends log records of
``MPLI_LOG_LEVEL`` (default ``INFO``) and above to standard error, so the
per-request lines appear under any server.

    waitress-serve --call mpli_graph.gateway.wsgi:create_app_from_environment
    gunicorn 'mpli_graph.gateway.wsgi:create_app_from_environment()'
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from flask import Flask

from mpli_graph.errors import InputError
from mpli_graph.gateway.app import create_app
from mpli_graph.gateway.config import ROLES, config_from_environment

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


def create_app_from_environment() -> Flask:
    """Build the gateway app that ``MPLI_ROLE`` and the other ``MPLI_`` variables describe."""
    if not logging.getLogger().handlers:
        level = os.environ.get("MPLI_LOG_LEVEL", "INFO").upper()
        if level not in LOG_LEVELS:
            raise InputError(
                f"MPLI_LOG_LEVEL={level!r} is not a log level; use one of: {', '.join(LOG_LEVELS)}"
            )
        logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    role = os.environ.get("MPLI_ROLE", "")
    if role not in ROLES:
        raise InputError(
            f"MPLI_ROLE={role!r} is not a gateway role; set it to one of: {', '.join(ROLES)}"
        )

    config = config_from_environment(role)
    token_file = os.environ.get("MPLI_ADMIN_TOKEN_FILE")
    if token_file:
        try:
            token = Path(token_file).read_text(encoding="utf-8").strip()
        except OSError as error:
            raise InputError(
                f"MPLI_ADMIN_TOKEN_FILE={token_file}: cannot read it: {error.strerror or error}"
            ) from None
        if not token:
            raise InputError(
                f"MPLI_ADMIN_TOKEN_FILE={token_file}: the file is empty; write the admin token into it"
            )
        config = config.with_overrides(admin_token=token)
    return create_app(config)
