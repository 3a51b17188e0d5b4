"""What a congress confirmation carries: an .ics invitation, and a QR code the door scans to check the person in."""

import io
from urllib.parse import urlsplit

import segno

from engage.calendar import Event, calendar
from engage.congress.models import Registration
from engage.extensions import db
from engage.notices import delivery
from engage.notices import services as notices


def invitation(registration: Registration) -> str:
    congress = registration.congress
    host = urlsplit(notices.public_link("/")).hostname
    return calendar(
        [
            Event(
                uid=f"{registration.reference}@{host}",
                starts_at=congress.starts_at,
                ends_at=congress.ends_at,
                summary=congress.title,
                location=congress.venue,
                description=f"{registration.reference}",
                url=notices.public_link(f"/congress/{congress.slug}"),
                sequence=int(congress.starts_at.timestamp()) // 60 % 2**31,  # moves with the date, so calendars update
                cancelled=congress.state == "cancelled",
            )
        ]
    )


def check_in_url(registration: Registration) -> str:
    return notices.public_link(f"/secretariat/congress/{registration.congress.slug}/check-in/{registration.reference}")


def qr_png(text: str) -> bytes:
    out = io.BytesIO()
    segno.make(text, error="m").save(out, kind="png", scale=8, border=4)
    return out.getvalue()


def confirmation_files(notice) -> list[tuple[str, str, bytes]]:
    registration = db.session.get(Registration, notice.context.get("registration_id"))
    if registration is None:
        return []
    files = [("congress.ics", "text/calendar", invitation(registration).encode())]
    if registration.status == "confirmed":
        files.append(("check-in-qr-code.png", "image/png", qr_png(check_in_url(registration))))
    return files


def init_app() -> None:
    for kind in ("registration_confirmed", "registration_waitlisted", "registration_offered", "congress_date_changed"):
        delivery.ATTACHMENTS[kind] = confirmation_files
