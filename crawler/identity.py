"""Who Pantau says it is to the sites it crawls: the User-Agent, with a contact for the sites' operators.

A site's operator who sees unusual traffic must be able to tell who is crawling and how to reach them, so the
default User-Agent names Pantau, its version and the contact the operator sets in ``PANTAU_CONTACT`` (an e-mail
address or URL). ``PANTAU_USER_AGENT`` replaces the whole string (an office that must crawl under its own name).
Without either, real crawls warn once per process; crawls of sites on this machine (the demo, tests) do not.
"""

from __future__ import annotations

import logging
import os

from crawler import __version__

logger = logging.getLogger(__name__)

USER_AGENT_ENV = "PANTAU_USER_AGENT"
CONTACT_ENV = "PANTAU_CONTACT"

_warned = False


def user_agent() -> str:
    """The User-Agent of every request Pantau makes (crawls, ``pantau extract URL``, ``sources check --online``)."""
    explicit = os.environ.get(USER_AGENT_ENV, "").strip()
    if explicit:
        return explicit
    contact = os.environ.get(CONTACT_ENV, "").strip()
    about = f"news monitoring for public relations; +{contact}" if contact else "news monitoring for public relations"
    return f"Pantau/{__version__} ({about})"


def warn_without_contact() -> None:
    """Log one warning per process when real sites will be crawled with no contact in the User-Agent."""
    global _warned
    if _warned or os.environ.get(USER_AGENT_ENV, "").strip() or os.environ.get(CONTACT_ENV, "").strip():
        return
    _warned = True
    logger.warning("no contact in the User-Agent: set %s to an e-mail address or URL where the sites' operators "
                   "can reach you (or %s to the whole string)", CONTACT_ENV, USER_AGENT_ENV)
