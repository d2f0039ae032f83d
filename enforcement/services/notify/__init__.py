"""Time passing: the daily run (time-driven transitions, reminders, the audit anchor, the
holiday-data warning), the officers' notifications (the bell) and their delivery by email and
by 企业微信 / 钉钉 group robots. Above every other area: it reads cases, follow-ups and people."""
