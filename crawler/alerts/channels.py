"""Sending alert messages: e-mail over SMTP (stdlib smtplib), a JSON POST to a webhook (stdlib urllib), and
everything apprise knows (Telegram, Slack, Discord, Matrix, ntfy, … by URL).

Every send is bounded by the channel's ``timeout`` and every failure becomes a :class:`SendError` whose message
is one line (stored in ``alert.last_error``); nothing here retries — the check decides when to try again.
"""

from __future__ import annotations

import json
import logging
import smtplib
import socket
import ssl
import threading
import urllib.error
import urllib.request
from collections.abc import Sequence
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from crawler.alerts import messages
from crawler.alerts.model import AlertEvent
from crawler.alerts.rules import AppriseChannel, Channel, EmailChannel, WebhookChannel

logger = logging.getLogger(__name__)

USER_AGENT = "Pantau-alerts/0.1 (+https://github.com/pantau)"


class SendError(Exception):
    """A message could not be delivered; ``str(error)`` is one line."""


def send(channel: Channel, events: Sequence[AlertEvent], *, rule_id: str, digest_period: str | None = None) -> None:
    """Deliver one alert (or, with ``digest_period``, a digest of ``events``) through ``channel``."""
    settings = channel.settings
    if settings is None:
        raise SendError(channel.why_not())
    if digest_period is None:
        subject, body = messages.subject(events[0]), messages.text(events[0])
    else:
        subject = messages.digest_subject(rule_id, digest_period, events)
        body = messages.digest_text(rule_id, digest_period, events)
    if isinstance(settings, EmailChannel):
        _send_email(settings, subject, body)
    elif isinstance(settings, WebhookChannel):
        _post_json(settings, messages.payload(events, rule_id=rule_id, digest_period=digest_period))
    elif isinstance(settings, AppriseChannel):
        _send_apprise(settings, subject, body)
    else:  # pragma: no cover - rules.CHANNEL_TYPES and this function grow together
        raise SendError(f"channel '{channel.name}': no sender for type {channel.type}")


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__


def _send_email(settings: EmailChannel, subject: str, body: str) -> None:
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = settings.sender
    message["To"] = ", ".join(settings.to)
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="pantau.local")
    message.set_content(body, charset="utf-8")
    where = f"SMTP {settings.host}:{settings.port}"
    try:
        if settings.security == "ssl":
            client: smtplib.SMTP = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout,
                                                    context=ssl.create_default_context())
        else:
            client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        with client:
            if settings.security == "starttls":
                client.starttls(context=ssl.create_default_context())
            if settings.username:
                client.login(settings.username, settings.password or "")
            refused = client.send_message(message)
        if refused:
            raise SendError(f"{where}: refused recipients {', '.join(sorted(refused))}")
    except (OSError, smtplib.SMTPException) as error:
        raise SendError(f"{where}: {_one_line(error)}") from None


def _post_json(settings: WebhookChannel, payload: dict) -> None:
    data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(settings.url, data=data, method="POST", headers={
        "Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT, **settings.headers})
    try:
        with urllib.request.urlopen(request, timeout=settings.timeout) as response:  # noqa: S310 - configured URL
            response.read(65536)
    except urllib.error.HTTPError as error:
        raise SendError(f"webhook {settings.url}: HTTP {error.code} {error.reason}") from None
    except (OSError, socket.timeout, ValueError) as error:
        reason = getattr(error, "reason", error)
        raise SendError(f"webhook {settings.url}: {_one_line(reason)}") from None


def _send_apprise(settings: AppriseChannel, subject: str, body: str) -> None:
    import apprise  # only for rules that use it

    outcome: dict[str, object] = {}

    def notify() -> None:
        try:
            with apprise.LogCapture(level=logging.WARNING) as captured:
                notifier = apprise.Apprise()
                bad = [url for url in settings.urls if not notifier.add(url)]
                if bad:
                    outcome["error"] = f"apprise: not a URL apprise understands: {bad[0].split('://')[0]}://…"
                    return
                outcome["ok"] = notifier.notify(title=subject, body=body)
                outcome["log"] = captured.getvalue()
        except Exception as error:  # noqa: BLE001 - any plugin failure is a failed send
            outcome["error"] = f"apprise: {_one_line(error)}"

    worker = threading.Thread(target=notify, name="pantau-apprise", daemon=True)
    worker.start()
    worker.join(settings.timeout)
    if worker.is_alive():
        raise SendError(f"apprise: no answer within {settings.timeout:.0f} s")
    if "error" in outcome:
        raise SendError(str(outcome["error"]))
    if not outcome.get("ok"):
        log = " ".join(str(outcome.get("log") or "").split())
        raise SendError(f"apprise: notification failed{': ' + log[:300] if log else ''}")
