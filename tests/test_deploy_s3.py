"""Deploying to S3: moto's S3 server on a loopback port, reached like any
S3-compatible store through AWS_ENDPOINT_URL and the usual credential variables."""

from __future__ import annotations

import hashlib
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path
from typing import Any

import boto3
import pytest
from PIL import Image

from splitblog.deploy import s3 as s3_module

from .conftest import Project
from .support.deploy import moto_server

PRO, HOME = "professional", "personal"
HOME_TITLE = "Beach Weekend Photos"


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with moto_server(tmp_path_factory.mktemp("moto")) as url:
        yield url


@pytest.fixture
def aws(endpoint: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The standard AWS variables pointing at moto (and at nothing of the machine's
    own AWS setup); returns a boto3 client."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_REGION"):
        monkeypatch.delenv(name, raising=False)
    return boto3.client("s3")


@pytest.fixture
def bucket(aws: Any) -> str:
    name = f"site-{uuid.uuid4().hex[:12]}"
    aws.create_bucket(Bucket=name)
    return name


@pytest.fixture
def s3_project(project: Project, bucket: str) -> Project:
    """Both sites in one bucket under their own prefixes; the professional site with a
    Cache-Control."""
    project.config(
        extra=f"""
[sites.{PRO}.deploy]
target = "s3://{bucket}/pro"
cache_control = "public, max-age=300"
[sites.{HOME}.deploy]
target = "s3://{bucket}/home/"
"""
    )
    project.post("2026-01-01-pipeline", PRO, title="Quarterly Pipeline Review")
    project.post("2026-01-02-pricing", PRO, title="Pricing Notes")
    project.post("2026-01-03-beach", HOME, title=HOME_TITLE)
    project.post("2026-01-04-chart/index", PRO, title="A Chart", body="![chart](chart.png)\n")
    image = BytesIO()
    Image.new("RGB", (4, 4), "teal").save(image, "PNG")
    project.write_bytes("content/posts/2026-01-04-chart/chart.png", image.getvalue())
    return project


def deploy(project: Project, *args: str, code: int = 0) -> str:
    result = project.run("deploy", *args)
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    return result.output


def listing(aws: Any, bucket: str, prefix: str = "") -> dict[str, dict[str, Any]]:
    pages = aws.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
    return {o["Key"]: o for page in pages for o in page.get("Contents", ())}


def objects(aws: Any, bucket: str, prefix: str) -> dict[str, bytes]:
    return {
        key[len(prefix) :]: aws.get_object(Bucket=bucket, Key=key)["Body"].read()
        for key in listing(aws, bucket, prefix)
    }


def versions(aws: Any, bucket: str) -> list[tuple[str, str]]:
    answer = aws.list_object_versions(Bucket=bucket)
    return sorted((v["Key"], v["VersionId"]) for v in answer.get("Versions", ()))


def test_objects_equal_the_build_with_their_types(
    s3_project: Project, aws: Any, bucket: str
) -> None:
    deploy(s3_project)
    assert objects(aws, bucket, "pro/") == s3_project.files(PRO)
    assert objects(aws, bucket, "home/") == s3_project.files(HOME)
    assert all(key.startswith(("pro/", "home/")) for key in listing(aws, bucket))
    expected = {
        "pro/index.html": "text/html; charset=utf-8",
        "pro/css/site.css": "text/css; charset=utf-8",
        "pro/atom.xml": "application/xml; charset=utf-8",
        "pro/feed.json": "application/json; charset=utf-8",
        "pro/robots.txt": "text/plain; charset=utf-8",
        "pro/posts/chart/chart.png": "image/png",
        "home/posts/beach/index.html": "text/html; charset=utf-8",
    }
    for key, kind in expected.items():
        head = aws.head_object(Bucket=bucket, Key=key)
        assert head["ContentType"] == kind, key
        assert head.get("CacheControl") == (
            "public, max-age=300" if key.startswith("pro/") else None
        )
    for key, item in listing(aws, bucket).items():
        body = aws.get_object(Bucket=bucket, Key=key)["Body"].read()
        assert item["ETag"].strip('"') == hashlib.md5(body).hexdigest()


def test_a_second_deploy_uploads_nothing(s3_project: Project, aws: Any, bucket: str) -> None:
    """Versioning on: any PUT, even of identical bytes, would leave a new version."""
    aws.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    deploy(s3_project)
    before = {k: (o["ETag"], o["LastModified"]) for k, o in listing(aws, bucket).items()}
    made = versions(aws, bucket)
    time.sleep(1.1)  # LastModified has one-second resolution
    output = deploy(s3_project)
    after = {k: (o["ETag"], o["LastModified"]) for k, o in listing(aws, bucket).items()}
    assert after == before
    assert versions(aws, bucket) == made
    assert "Build: nothing changed" in output


def test_changed_files_are_uploaded_and_removed_ones_deleted(
    s3_project: Project, aws: Any, bucket: str
) -> None:
    aws.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    deploy(s3_project)
    old = s3_project.files(PRO)
    made = versions(aws, bucket)
    s3_project.post("2026-01-01-pipeline", PRO, title="Quarterly Pipeline Review", body="New.\n")
    (s3_project.root / "content/posts/2026-01-02-pricing.md").unlink()
    deploy(s3_project)
    new = s3_project.files(PRO)
    assert objects(aws, bucket, "pro/") == new
    assert "posts/pricing/index.html" not in new
    changed = {f"pro/{p}" for p in new if old.get(p) != new[p]}
    uploaded = {key for key, _version in set(versions(aws, bucket)) - set(made)}
    assert "pro/posts/pipeline/index.html" in uploaded
    assert uploaded == changed
    assert objects(aws, bucket, "home/") == s3_project.files(HOME)


def test_dry_run_lists_and_changes_nothing(s3_project: Project, aws: Any, bucket: str) -> None:
    output = deploy(s3_project, "--dry-run")
    assert listing(aws, bucket) == {}
    assert "upload  index.html" in output and "upload  posts/beach/index.html" in output
    assert f"{len(s3_project.files(PRO))} to upload" in output


def test_site_option_never_writes_the_other_site(
    s3_project: Project, aws: Any, bucket: str
) -> None:
    deploy(s3_project, "--site", PRO)
    assert listing(aws, bucket, "home/") == {}
    published = objects(aws, bucket, "pro/")
    assert published == s3_project.files(PRO)
    for data in published.values():
        for needle in (HOME_TITLE, "Patsy", "home.example.net"):
            assert needle.encode() not in data


def test_an_audit_failure_leaves_the_bucket_untouched(
    s3_project: Project, aws: Any, bucket: str
) -> None:
    aws.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    deploy(s3_project)
    made = versions(aws, bucket)
    s3_project.post("2026-01-05-leak", PRO, title="Leak", body="Ask Patsy about it.\n")
    output = deploy(s3_project, code=1)
    assert "Patsy" in output
    assert versions(aws, bucket) == made


def test_a_damaged_or_half_done_target_is_completed(
    s3_project: Project, aws: Any, bucket: str
) -> None:
    deploy(s3_project)
    aws.delete_object(Bucket=bucket, Key="pro/index.html")
    aws.put_object(Bucket=bucket, Key="pro/css/site.css", Body=b"half written")
    aws.put_object(Bucket=bucket, Key="pro/stale/index.html", Body=b"old page")
    aws.put_object(Bucket=bucket, Key="elsewhere/keep.txt", Body=b"not ours")
    output = deploy(s3_project, "--site", PRO)
    row = next(line.split() for line in output.splitlines() if line.startswith(PRO))
    assert row[1:3] == ["2", "1"]  # uploaded, deleted
    assert objects(aws, bucket, "pro/") == s3_project.files(PRO)
    assert "elsewhere/keep.txt" in listing(aws, bucket)


def test_an_interrupted_upload_is_completed_by_the_next_deploy(
    s3_project: Project, aws: Any, bucket: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_put = s3_module.S3Publisher._put
    started: list[str] = []
    lock = threading.Lock()

    def put_then_die(self, file):  # type: ignore[no-untyped-def]
        with lock:
            started.append(file.path)
            if len(started) > 5:
                raise KeyboardInterrupt
        real_put(self, file)

    with monkeypatch.context() as patch:
        patch.setattr(s3_module.S3Publisher, "_put", put_then_die)
        result = s3_project.run("deploy", "--site", PRO)
    assert result.exit_code == 130 and "Traceback" not in result.output
    assert 0 < len(listing(aws, bucket, "pro/")) < len(s3_project.files(PRO))
    deploy(s3_project, "--site", PRO)
    assert objects(aws, bucket, "pro/") == s3_project.files(PRO)


def one_line_failure(project: Project) -> str:
    result = project.run("deploy")
    assert result.exit_code == 1 and "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_a_missing_bucket_is_one_line(project: Project, aws: Any) -> None:
    project.config(extra=f'\n[sites.{PRO}.deploy]\ntarget = "s3://no-such-bucket-here/x"\n')
    assert "the bucket 'no-such-bucket-here' does not exist" in one_line_failure(project)


def test_missing_credentials_are_one_line(
    project: Project, bucket: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    project.config(extra=f'\n[sites.{PRO}.deploy]\ntarget = "s3://{bucket}"\n')
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    assert "no AWS credentials" in one_line_failure(project)


def test_an_unreachable_endpoint_is_one_line(
    project: Project, bucket: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """endpoint_url in the deploy table wins over AWS_ENDPOINT_URL."""
    project.config(
        extra=f'\n[sites.{PRO}.deploy]\ntarget = "s3://{bucket}"\n'
        'endpoint_url = "http://127.0.0.1:9"\n'
    )
    assert "cannot reach the S3 endpoint" in one_line_failure(project)


def test_without_boto3_the_hint_is_one_line(
    project: Project, bucket: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    project.config(extra=f'\n[sites.{PRO}.deploy]\ntarget = "s3://{bucket}"\n')
    monkeypatch.setitem(sys.modules, "boto3", None)  # import boto3 now raises ImportError
    line = one_line_failure(project)
    assert "needs boto3" in line and "pip install 'splitblog[s3]'" in line
