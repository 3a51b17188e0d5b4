"""iCalendar (RFC 5545) text for events: a congress invitation now, boards' meeting feeds later."""

from dataclasses import dataclass
from datetime import datetime

from engage.time import utcnow


@dataclass
class Event:
    uid: str
    starts_at: datetime  # UTC
    ends_at: datetime
    summary: str
    location: str = ""
    description: str = ""
    url: str = ""
    sequence: int = 0
    cancelled: bool = False


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n").replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space."""
    encoded = line.encode()
    parts, start = [], 0
    while len(encoded) - start > 75:
        end = start + 75
        while (encoded[end] & 0xC0) == 0x80:  # never split a UTF-8 character
            end -= 1
        parts.append(encoded[start:end].decode())
        start = end
    parts.append(encoded[start:].decode())
    return "\r\n ".join(parts)


def _stamp(moment: datetime) -> str:
    return f"{moment:%Y%m%dT%H%M%S}Z"


def calendar(events: list[Event], name: str = "") -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Tower Hamlets Partnership//Engage//EN", "METHOD:PUBLISH"]
    if name:
        lines.append(f"X-WR-CALNAME:{_escape(name)}")
    for event in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event.uid}",
            f"SEQUENCE:{event.sequence}",
            f"DTSTAMP:{_stamp(utcnow())}",
            f"DTSTART:{_stamp(event.starts_at)}",
            f"DTEND:{_stamp(event.ends_at)}",
            f"SUMMARY:{_escape(event.summary)}",
        ]
        lines += [f"LOCATION:{_escape(event.location)}"] if event.location else []
        lines += [f"DESCRIPTION:{_escape(event.description)}"] if event.description else []
        lines += [f"URL:{event.url}"] if event.url else []
        lines += ["STATUS:CANCELLED"] if event.cancelled else []
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
