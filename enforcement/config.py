"""Configuration: defaults here; ``instance/config.py`` and environment variables override.

Every setting is listed in the README's configuration table. Environment variables win over
``instance/config.py`` so that containers and systemd units need no file edits.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any

DEV_SECRET_KEY = "dev-only-not-secret"


class Config:
    #: Flask session and CSRF signing key. Production refuses to start with the development default.
    SECRET_KEY = DEV_SECRET_KEY
    #: ``production`` enforces a real SECRET_KEY and secure cookies; ``development`` is the default.
    ENV_NAME = "development"
    #: SQLAlchemy URL. Empty means a SQLite file in the instance folder.
    SQLALCHEMY_DATABASE_URI = ""
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    #: The bureau's time zone: deadlines are dates in this zone.
    BUREAU_TIMEZONE = "Asia/Shanghai"
    #: Shown on pages, prints and exports.
    BUREAU_NAME = "三河市生态环境局"
    #: Default map view (the demo city).
    MAP_CENTER = (39.96, 116.83)
    MAP_ZOOM = 11
    #: Tile layer for Leaflet. Empty URL: points on a plain background (no outside request at all).
    MAP_TILE_URL = ""
    MAP_TILE_ATTRIBUTION = ""
    #: True when the tiles are in GCJ-02 (Gaode, Tencent): markers are shifted for display only.
    MAP_TILES_GCJ02 = False
    #: The app's own basemaps: ``[{"name": "streets", "file": "city.mbtiles", "label": "街道"}]``
    #: (MBTiles or PMTiles raster files; a relative file is looked up in BASEMAP_DIR). Files
    #: imported with ``flask basemap import`` are found in BASEMAP_DIR without being listed.
    BASEMAPS: list = []
    #: Folder of imported basemap files. Empty: ``instance/basemaps``.
    BASEMAP_DIR = ""
    #: Online preset: ``tianditu`` (天地图, needs TIANDITU_KEY) or ``gaode`` (GCJ-02); empty: none.
    MAP_PRESET = ""
    #: The bureau's 天地图 key (``tk``), from console.tianditu.gov.cn (a 浏览器端 key).
    TIANDITU_KEY = ""
    #: Most a phone may download for offline maps of its worklist area, in MB.
    OFFLINE_TILE_BUDGET_MB = 60
    #: A visit further than this from the enterprise pin is flagged (API.md: 200 m default).
    GEOFENCE_RADIUS_M = 200
    #: A served close or stop order appears on the public disclosure page once a reviewer
    #: publishes it, or by itself this many days after service if nobody did; None: only
    #: after a reviewer publishes it.
    DISCLOSURE_DELAY_DAYS: int | None = 7
    #: Per-action, per-township overrides of the workflow defaults (see docs/workflows.md).
    WORKFLOW_RULES: dict = {}
    #: Bearer token lifetime for the API, in hours.
    API_TOKEN_HOURS = 24 * 30
    #: Upload limits for photos.
    MAX_CONTENT_LENGTH = 20 * 1024 * 1024
    PHOTO_MAX_BYTES = 15 * 1024 * 1024
    PHOTO_MAX_PIXELS = 40_000_000
    #: Where the app keeps its files (photos, thumbnails, uploads waiting for import):
    #: ``local`` (the folder PHOTO_DIR) or ``s3`` (an S3-compatible bucket: MinIO, a government
    #: cloud's object storage), configured by the S3_* settings.
    STORAGE_BACKEND = "local"
    #: The local folder (default: instance/photos).
    PHOTO_DIR = ""
    S3_ENDPOINT_URL = ""
    S3_BUCKET = ""
    S3_ACCESS_KEY_ID = ""
    S3_SECRET_ACCESS_KEY = ""
    S3_REGION = "us-east-1"
    #: Key prefix inside the bucket (several instances may share one bucket).
    S3_PREFIX = ""
    #: Login attempts allowed per client address.
    LOGIN_RATE_LIMIT = "10 per minute"
    #: Failed logins allowed per account, from any number of addresses (then 429 until the
    #: window passes, even for the right password).
    LOGIN_ACCOUNT_RATE_LIMIT = "10 per 10 minutes"
    #: Where rate-limit counters live. ``memory://`` counts per process: with more than one
    #: process (gunicorn -w 4) use a shared store, e.g. ``redis://127.0.0.1:6379/0``.
    RATELIMIT_STORAGE_URI = "memory://"
    #: Reverse proxies in front of the app that may be trusted to set X-Forwarded-For and
    #: X-Forwarded-Proto (werkzeug's ProxyFix). 0: the socket's address is the client's.
    TRUSTED_PROXIES = 0
    RATELIMIT_HEADERS_ENABLED = True
    #: Languages offered in the switch; the first is the default.
    LANGUAGES = ("zh_CN", "en")
    BABEL_DEFAULT_LOCALE = "zh_CN"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    WTF_CSRF_TIME_LIMIT = None  # an inspector may fill a form for a long time on site
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = 12 * 3600
    #: Pin "today" (YYYY-MM-DD) for a training instance or tests; empty in real use.
    AS_OF_OVERRIDE = ""
    #: Roles that must use a second factor (TOTP) to log in, e.g. ["reviewer", "admin"].
    REQUIRE_TOTP_FOR: tuple = ()
    #: Password policy: minimum length.
    PASSWORD_MIN_LENGTH = 10
    #: Working days to answer a complaint after receipt (triage is within 1 working day).
    COMPLAINT_ANSWER_WORKING_DAYS = 15
    #: The bureau's area as (minLon, minLat, maxLon, maxLat): imported coordinates outside it
    #: are rejected (and a swapped latitude/longitude is recognised). Used only until township
    #: boundaries are imported: then their union is the area (or BUREAU_BOUNDARY).
    BUREAU_BBOX = (116.5, 39.7, 117.2, 40.2)
    #: A GeoJSON file (FeatureCollection of polygons, WGS84) with the county's own boundary;
    #: empty: the union of the township boundaries.
    BUREAU_BOUNDARY = ""
    #: geopy geocoder the desk's pinning page uses, in the background and cached, to suggest a
    #: location for sites that have an address but no coordinates (e.g. ``nominatim``); empty:
    #: they are pinned by hand or on site.
    GEOCODER = ""
    #: Keyword arguments for that geocoder (user_agent, api_key, domain, ...).
    GEOCODER_OPTIONS: dict = {}
    #: The scoreboard's weights (考核计分办法, issue 20): metric → weight, naming only those a
    #: bureau changes, e.g. {"closed": 3, "rebounds": -10}. Metrics, defaults and the formula:
    #: services/tally/weights.py and docs/oversight.md; validated at start-up (a typo stops it).
    #: From the environment: JSON.
    SCOREBOARD_WEIGHTS: dict = {}
    #: Serial-number prefix (文号 字) of each legal paper; the number reads 三环责改〔2026〕第0012号.
    PAPER_PREFIXES = {
        "rectification_order": "三环责改",
        "stop_decision": "三环停决",
        "closure_decision": "三环关决",
        "penalty_notice": "三环罚告",
        "penalty_decision": "三环罚决",
        "inspection_record": "三环检录",
        "limit_decision": "三环限决",
        "seal_decision": "三环封决",
    }
    #: The kind's part of a number (字) after a branch's own prefix: a branch (分局) with a paper
    #: prefix 东环 numbers its rectification orders 东环责改〔2026〕第0001号, in a register of its own.
    #: Installations without branches (or a branch without a prefix) use PAPER_PREFIXES unchanged.
    PAPER_KIND_CODES = {
        "rectification_order": "责改",
        "stop_decision": "停决",
        "closure_decision": "关决",
        "penalty_notice": "罚告",
        "penalty_decision": "罚决",
        "inspection_record": "检录",
        "limit_decision": "限决",
        "seal_decision": "封决",
    }
    #: Digits of the serial in a paper number (0012).
    PAPER_SERIAL_DIGITS = 4
    #: ``json`` (one JSON object a line, with the request id) or ``text``.
    LOG_FORMAT = "json"
    LOG_LEVEL = "INFO"
    #: Report unexpected errors to Sentry (needs ``pip install sentry-sdk``); empty: off.
    SENTRY_DSN = ""
    # --- the daily run and its reminders (flask --app run daily) -----------------------------
    #: The public address of the site, for links in reminders (e.g. https://zf.example.gov.cn).
    SITE_URL = ""
    #: File the daily run appends the audit chain head to (default: instance/audit-anchor.jsonl);
    #: keep it, or a copy, outside the database server.
    AUDIT_ANCHOR_FILE = ""
    #: SMTP for email reminders; empty host: no email channel.
    SMTP_HOST = ""
    SMTP_PORT = 25
    #: ``""`` (plain), ``starttls`` or ``ssl``.
    SMTP_SECURITY = ""
    SMTP_USERNAME = ""
    SMTP_PASSWORD = ""
    MAIL_FROM = ""
    #: 企业微信 group robot webhook (https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=...).
    WECOM_WEBHOOK_URL = ""
    #: 钉钉 custom robot webhook (https://oapi.dingtalk.com/robot/send?access_token=...) and
    #: its 加签 secret if the robot uses signing.
    DINGTALK_WEBHOOK_URL = ""
    DINGTALK_SECRET = ""
    #: Sending: tries within one run, pauses between them, total tries over runs, timeout.
    REMINDER_TRIES_PER_RUN = 3
    REMINDER_RETRY_SECONDS = (2, 10)
    REMINDER_MAX_ATTEMPTS = 9
    REMINDER_TIMEOUT_SECONDS = 10


class TestConfig(Config):
    TESTING = True
    WTF_CSRF_ENABLED = True
    LOGIN_RATE_LIMIT = "1000 per minute"


# Settings that may come from the environment, with how to parse them.
_ENV: dict[str, Callable[[str], Any]] = {
    "SECRET_KEY": str,
    "ENV_NAME": str,
    "BUREAU_TIMEZONE": str,
    "BUREAU_NAME": str,
    "MAP_TILE_URL": str,
    "MAP_TILE_ATTRIBUTION": str,
    "MAP_TILES_GCJ02": lambda v: v.lower() in ("1", "true", "yes"),
    "BASEMAPS": json.loads,
    "BASEMAP_DIR": str,
    "MAP_PRESET": str,
    "TIANDITU_KEY": str,
    "OFFLINE_TILE_BUDGET_MB": int,
    "GEOFENCE_RADIUS_M": int,
    "DISCLOSURE_DELAY_DAYS": lambda v: int(v) if v.strip() else None,
    "API_TOKEN_HOURS": int,
    "PHOTO_MAX_BYTES": int,
    "PHOTO_MAX_PIXELS": int,
    "PHOTO_DIR": str,
    "STORAGE_BACKEND": str,
    "S3_ENDPOINT_URL": str,
    "S3_BUCKET": str,
    "S3_ACCESS_KEY_ID": str,
    "S3_SECRET_ACCESS_KEY": str,
    "S3_REGION": str,
    "S3_PREFIX": str,
    "LOGIN_RATE_LIMIT": str,
    "RATELIMIT_STORAGE_URI": str,
    "LOGIN_ACCOUNT_RATE_LIMIT": str,
    "TRUSTED_PROXIES": int,
    "WORKFLOW_RULES": json.loads,
    "PASSWORD_MIN_LENGTH": int,
    "COMPLAINT_ANSWER_WORKING_DAYS": int,
    "AS_OF_OVERRIDE": str,
    "REQUIRE_TOTP_FOR": lambda v: tuple(json.loads(v)),
    "BUREAU_BBOX": lambda v: tuple(float(x) for x in v.split(",")),
    "BUREAU_BOUNDARY": str,
    "MAP_CENTER": lambda v: tuple(float(x) for x in v.split(",")),
    "MAP_ZOOM": int,
    "GEOCODER": str,
    "GEOCODER_OPTIONS": json.loads,
    "PAPER_PREFIXES": json.loads,
    "PAPER_KIND_CODES": json.loads,
    "SCOREBOARD_WEIGHTS": str,  # JSON, read and checked by services.tally.weights.validate
    "SITE_URL": str,
    "LOG_FORMAT": str,
    "LOG_LEVEL": str,
    "SENTRY_DSN": str,
    "AUDIT_ANCHOR_FILE": str,
    "SMTP_HOST": str,
    "SMTP_PORT": int,
    "SMTP_SECURITY": str,
    "SMTP_USERNAME": str,
    "SMTP_PASSWORD": str,
    "MAIL_FROM": str,
    "WECOM_WEBHOOK_URL": str,
    "DINGTALK_WEBHOOK_URL": str,
    "DINGTALK_SECRET": str,
    "REMINDER_TRIES_PER_RUN": int,
    "REMINDER_MAX_ATTEMPTS": int,
}


def from_environment(environ=os.environ) -> dict:
    """Settings found in the environment (``DATABASE_URL`` maps to the SQLAlchemy URL)."""
    found = {}
    for name, parse in _ENV.items():
        if name in environ:
            found[name] = parse(environ[name])
    if environ.get("DATABASE_URL"):
        found["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(environ["DATABASE_URL"])
    return found


def normalise_database_url(url: str) -> str:
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy needs the driver named.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
