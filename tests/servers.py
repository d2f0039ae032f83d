"""Real local servers for tests, started on free ports: an SMTP server (aiosmtpd) and an HTTP
receiver that answers like the 企业微信 / 钉钉 group robots. Never mocks of them."""
from __future__ import annotations

import json
import socket
import threading
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SMTPServer:
    """aiosmtpd's Controller in a thread; ``messages`` holds what it received (parsed)."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.messages = []
        outer = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                outer.messages.append((envelope.rcpt_tos,
                                       message_from_bytes(envelope.content, policy=policy.default)))
                return "250 OK"

        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()


class WebhookReceiver:
    """A local HTTP server that records each POST (path, query, JSON) and answers like a group
    robot: {"errcode": 0, "errmsg": "ok"}, or an error while ``failures`` > 0."""

    def __init__(self):
        self.requests: list[dict] = []
        self.failures = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                outer.requests.append({"path": self.path, "json": json.loads(body or b"{}"),
                                       "content_type": self.headers.get("Content-Type")})
                if outer.failures > 0:
                    outer.failures -= 1
                    self.send_response(502)
                    self.end_headers()
                    return
                payload = json.dumps({"errcode": 0, "errmsg": "ok"}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.port = free_port()
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.url = f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


class MotoS3Server:
    """moto's S3 server mode (``moto_server``) on a free port, as a real local S3 endpoint."""

    def __init__(self):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        import subprocess
        import sys
        import time
        self.process = subprocess.Popen(
            [sys.executable, "-c", "from moto.server import main; main()", "-H", "127.0.0.1",
             "-p", str(self.port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError("moto_server did not start (pip install 'moto[server]')") from None
                time.sleep(0.2)
        self.process.kill()
        raise RuntimeError("moto_server did not answer within 60 s")

    def __exit__(self, *exc):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except Exception:
            self.process.kill()

    def config(self, bucket: str) -> dict:
        return {"STORAGE_BACKEND": "s3", "S3_ENDPOINT_URL": self.url, "S3_BUCKET": bucket,
                "S3_ACCESS_KEY_ID": "test", "S3_SECRET_ACCESS_KEY": "test",
                "S3_REGION": "us-east-1"}

    def create_bucket(self, bucket: str) -> None:
        import boto3
        boto3.client("s3", endpoint_url=self.url, aws_access_key_id="test",
                     aws_secret_access_key="test", region_name="us-east-1"
                     ).create_bucket(Bucket=bucket)
