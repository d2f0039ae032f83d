"""One storage interface, two backends: the local folder and an S3-compatible bucket, the
latter against a real local S3 server (moto's server mode). Both keep the same promises; the
whole suite also runs on S3 with ``pytest --storage=s3`` (or TEST_STORAGE=s3)."""
from __future__ import annotations

import uuid

import pytest

from enforcement.services.core.storage import LocalFolderStorage, from_config


@pytest.fixture(params=["local", "s3"])
def store(request, tmp_path):
    if request.param == "local":
        return LocalFolderStorage(str(tmp_path / "files"))
    server = request.getfixturevalue("s3_server")
    bucket = "t-" + uuid.uuid4().hex[:20]
    server.create_bucket(bucket)
    return from_config({**server.config(bucket), "S3_PREFIX": "city-a"})


def test_put_read_exists_keys_delete(store):
    store.ping()
    assert not store.exists("visits/1/a.jpg")
    with pytest.raises(FileNotFoundError):
        store.read("visits/1/a.jpg")
    store.put("visits/1/a.jpg", b"\xff\xd8 one")
    store.put("visits/1/a-thumb.jpg", b"\xff\xd8 thumb")
    store.put("imports/0123abcd.dat", "名称,地址".encode())
    assert store.exists("visits/1/a.jpg")
    assert store.read("visits/1/a.jpg") == b"\xff\xd8 one"
    with store.open("imports/0123abcd.dat") as handle:
        assert handle.read().decode() == "名称,地址"
    store.put("visits/1/a.jpg", b"\xff\xd8 two")  # replaced whole
    assert store.read("visits/1/a.jpg") == b"\xff\xd8 two"
    assert sorted(store.keys("visits/")) == ["visits/1/a-thumb.jpg", "visits/1/a.jpg"]
    assert len(list(store.keys())) == 3
    store.delete("visits/1/a.jpg")
    store.delete("visits/1/a.jpg")  # deleting what is gone is fine
    assert not store.exists("visits/1/a.jpg")


@pytest.mark.parametrize("key", ["../etc/passwd", "/abs", "a//b", "UPPER.jpg", "", "a/../b"])
def test_keys_cannot_leave_the_store(store, key):
    with pytest.raises(ValueError):
        store.put(key, b"x")


def test_an_unreachable_bucket_fails_ping(s3_server):
    store = from_config(s3_server.config("no-such-bucket-" + uuid.uuid4().hex[:8]))
    with pytest.raises(Exception):
        store.ping()


def test_photos_and_import_uploads_go_through_the_storage_on_s3(app, client, s3_server, auth,
                                                              make_user, make_enterprise,
                                                              api_token, tmp_path):
    """Photo upload, photo download and a registry upload with an S3 backend: nothing lands in
    the instance folder."""
    import io
    import os

    from PIL import Image

    from support_app import new_uuid
    bucket = "t-" + uuid.uuid4().hex[:20]
    s3_server.create_bucket(bucket)
    app.config.update(s3_server.config(bucket))
    app.extensions.pop("file_storage", None)
    make_user("zhangwei", "inspector")
    make_user("liuyang", "inspector")
    make_user("boss", "admin")
    headers = api_token(make_user("rev", "reviewer"))
    e = make_enterprise()
    visit = client.post("/api/v1/visits", headers=headers, json={
        "client_uuid": new_uuid(), "enterprise_id": e.id,
        "visited_at": "2026-11-20T10:00:00+08:00", "purpose": "routine",
        "inspectors": ["zhangwei", "liuyang"]}).get_json()
    photo = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 10, 10)).save(photo, "PNG")
    sent = client.post(f"/api/v1/visits/{visit['id']}/photos", headers=headers,
                       data={"file": (io.BytesIO(photo.getvalue()), "p.png"),
                             "client_uuid": new_uuid()}, content_type="multipart/form-data")
    assert sent.status_code == 201, sent.get_json()
    got = client.get(f"/api/v1/photos/{sent.get_json()['id']}", headers=headers)
    assert got.status_code == 200 and got.data.startswith(b"\xff\xd8")
    from enforcement.services.core.storage import file_storage
    keys = list(file_storage().keys())
    assert any(k.endswith("-thumb.jpg") for k in keys) and len(keys) == 2
    auth.login("boss")
    token = auth.csrf("/admin/import")
    upload = client.post("/admin/import", data={
        "csrf_token": token,
        "file": (io.BytesIO("企业名称,地址\n三河市某厂,燕郊镇\n".encode()), "registry.csv")},
        content_type="multipart/form-data")
    assert upload.status_code == 302
    assert any(k.startswith("imports/") and k.endswith(".dat") for k in file_storage().keys())
    assert client.get(upload.headers["Location"]).status_code == 200
    token = upload.headers["Location"].rstrip("/").rsplit("/", 1)[-1]
    assert file_storage().exists(f"imports/{token}.dat")
    assert not os.path.exists(app.config["PHOTO_DIR"])
    assert not os.path.exists(os.path.join(app.instance_path, "imports", token + ".dat"))
