"""The Celery worker: the Flask app's Celery, with every task run inside the app context.

Run it with `celery -A worker.app worker` (and `celery -A worker.app beat` for the schedule), under a supervisor
that starts it again when it exits (worker/watch.py says when it does).
"""

from celery import Task
from celery.schedules import crontab

from engage import create_app
from engage.config import worker_broker_settings
from worker.watch import BrokerWatch, HandOverOnConnect

flask_app = create_app()
celery = flask_app.extensions["celery"]


class AppContextTask(Task):
    def __call__(self, *args, **kwargs):
        with flask_app.app_context():
            return self.run(*args, **kwargs)


celery.Task = AppContextTask
celery.conf.timezone = "Europe/London"
celery.conf.update(
    worker_broker_settings(celery.conf), engage_broker_deadline=flask_app.config["WORKER_BROKER_DEADLINE"]
)
celery.steps["worker"].add(BrokerWatch)
celery.steps["consumer"].add(HandOverOnConnect)
celery.conf.beat_schedule = {
    "relay-pending-notices": {"task": "worker.tasks.relay_notices", "schedule": 15.0},
    "expire-congress-offers": {"task": "worker.tasks.expire_congress_offers", "schedule": 300.0},
    "congress-reminders": {"task": "worker.tasks.send_congress_reminders", "schedule": 900.0},
    # The morning after a congress (and each morning for a fortnight, to catch up after an outage; once each).
    "congress-proposal-invitations": {
        "task": "worker.tasks.invite_congress_proposals",
        "schedule": crontab(minute=0, hour=9),
    },
    "forget-congress-needs": {"task": "worker.tasks.forget_congress_needs", "schedule": crontab(minute=30, hour=3)},
    "delete-ended-sessions": {"task": "worker.tasks.delete_ended_sessions", "schedule": 3600.0},
    # An annual report whose preparation stalled (the broker away, a worker gone) is handed over again.
    "relay-annual-reports": {"task": "worker.tasks.relay_annual_reports", "schedule": 300.0},
    # Daily in June it reminds the boards that have not published next year's programme (weekly to each person).
    "work-programme-reminders": {
        "task": "worker.tasks.send_work_programme_reminders",
        "schedule": crontab(minute=0, hour=9),
    },
    # Each working morning, a board's chairs and officers get one list of its proposals past the target to acknowledge.
    "overdue-proposals": {
        "task": "worker.tasks.send_overdue_digests",
        "schedule": crontab(minute=0, hour=8, day_of_week="mon-fri"),
    },
    # Each morning, the authors whose "Did this resolve what you raised?" has come due are asked (a scan of due rows).
    "resolution-checks": {"task": "worker.tasks.ask_resolution_checks", "schedule": crontab(minute=30, hour=10)},
    "weekly-digests": {"task": "worker.tasks.send_digests", "schedule": crontab(minute=0, hour=8, day_of_week="mon")},
}
celery.conf.include = ["worker.tasks"]
celery.set_default()
app = celery
