"""s3://bucket/prefix — Amazon S3 and S3-compatible stores (R2, MinIO …), with boto3.

Where the store is and who we are come from the deploy table (`endpoint_url`, `region`)
or boto3's usual sources (AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_PROFILE, AWS_REGION …).
Every file is sent with one PutObject (never multipart), so its ETag is its MD5 and the
next deploy can compare the listing's ETags with the built files' MD5s: an unchanged
file is not sent again, and its ETag and LastModified stay as they were.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Any

from splitblog.config import DeployConfig
from splitblog.content_types import content_type
from splitblog.deploy.base import LocalFile, Plan, Progress, Publisher, make_plan
from splitblog.errors import DeployError, Problem

WORKERS = 8  # uploads in flight: small files are latency-bound
DELETE_BATCH = 1000  # DeleteObjects' limit


def new_session() -> Any:
    """A boto3 session: credentials, region and endpoint from the environment."""
    try:
        import boto3
        import botocore.session
    except ImportError:
        raise DeployError(
            Problem(
                "deploying to s3:// needs boto3, which is not installed",
                hint="pip install 'splitblog[s3]'",
            )
        ) from None
    core = botocore.session.get_session()
    # Listings carry a LastModified per object, which botocore parses with dateutil —
    # most of a no-change deploy's own CPU time. Nothing here reads them: keep the text
    # (as the AWS CLI does), in this session only.
    core.get_component("response_parser_factory").set_parser_defaults(timestamp_parser=str)
    return boto3.session.Session(botocore_session=core)


class S3Publisher(Publisher):
    def __init__(self, bucket: str, prefix: str, deploy: DeployConfig, session: Any):
        self.bucket = bucket
        self.prefix = prefix
        self.deploy = deploy
        self.session = session
        self.client: Any = None
        self.botocore: Any = None

    def __enter__(self) -> S3Publisher:
        import botocore.config  # boto3 is there (new_session), so botocore is too
        import botocore.exceptions

        self.botocore = botocore.exceptions
        settings = botocore.config.Config(
            retries={"max_attempts": 3, "mode": "standard"},
            connect_timeout=10,
            read_timeout=60,
            max_pool_connections=WORKERS,
        )
        with self._errors():
            self.client = self.session.client(
                "s3",
                region_name=self.deploy.region,
                endpoint_url=self.deploy.endpoint_url,
                config=settings,
            )
        return self

    # -- reading the bucket ---------------------------------------------------------------
    def plan(self, files: Mapping[str, LocalFile]) -> Plan:
        remote: dict[str, tuple[int, str]] = {}  # path -> (size, ETag without quotes)
        with self._errors():
            pages = self.client.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=self.prefix
            )
            for page in pages:
                for item in page.get("Contents", ()):
                    path = item["Key"][len(self.prefix) :]
                    if path and not path.endswith("/"):  # "folder" markers are not files
                        remote[path] = (item["Size"], item["ETag"].strip('"'))

        def same(path: str) -> bool:
            size, etag = remote[path]
            return size == files[path].size and etag == _md5(files[path].source).hex()

        return make_plan(files, remote, same)

    def fetch(self, path: str) -> bytes | None:
        with self._errors():
            try:
                answer = self.client.get_object(Bucket=self.bucket, Key=self.prefix + path)
            except self.client.exceptions.NoSuchKey:
                return None
            return answer["Body"].read()  # type: ignore[no-any-return]

    # -- changing it ----------------------------------------------------------------------
    def apply(self, plan: Plan, progress: Progress) -> None:
        with self._errors():
            if plan.upload:
                with ThreadPoolExecutor(WORKERS) as pool:
                    running = [pool.submit(self._put, f) for f in plan.upload]
                    try:
                        for done, future in enumerate(as_completed(running), 1):
                            future.result()
                            progress(done, len(plan.upload))
                    except BaseException:
                        pool.shutdown(wait=True, cancel_futures=True)
                        raise
            for start in range(0, len(plan.delete), DELETE_BATCH):
                batch = plan.delete[start : start + DELETE_BATCH]
                answer = self.client.delete_objects(
                    Bucket=self.bucket,
                    Delete={"Objects": [{"Key": self.prefix + p} for p in batch], "Quiet": True},
                )
                if answer.get("Errors"):
                    error = answer["Errors"][0]
                    raise DeployError(
                        Problem(
                            f"S3 refused to delete {error.get('Key')}: {error.get('Message')}",
                            hint="deploy again to complete it",
                        )
                    )

    def _put(self, file: LocalFile) -> None:
        data = file.source.read_bytes()
        extra = {"CacheControl": self.deploy.cache_control} if self.deploy.cache_control else {}
        self.client.put_object(
            Bucket=self.bucket,
            Key=self.prefix + file.path,
            Body=data,
            ContentType=content_type(file.path),
            ContentMD5=base64.b64encode(_new_md5(data).digest()).decode(),
            **extra,
        )

    # -- errors: one line each ------------------------------------------------------------
    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        errors = self.botocore
        where = f"s3://{self.bucket}/{self.prefix}"
        try:
            yield
        except (errors.NoCredentialsError, errors.PartialCredentialsError):
            raise DeployError(
                Problem(
                    f"no AWS credentials to deploy to {where}",
                    hint="set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE",
                )
            ) from None
        except errors.ClientError as exc:
            raise DeployError(self._client_problem(exc.response.get("Error", {}), where)) from None
        except (errors.EndpointConnectionError, errors.ConnectionError) as exc:
            raise DeployError(
                Problem(
                    f"cannot reach the S3 endpoint for {where}: {exc}",
                    hint="check endpoint_url / AWS_ENDPOINT_URL and the network, then deploy again",
                )
            ) from None
        except errors.BotoCoreError as exc:
            raise DeployError(Problem(f"S3 deploy to {where} failed: {exc}")) from None
        except OSError as exc:
            raise DeployError(Problem(f"cannot read {exc.filename}: {exc.strerror}")) from None

    def _client_problem(self, error: Mapping[str, str], where: str) -> Problem:
        code = error.get("Code", "")
        if code == "NoSuchBucket":
            return Problem(
                f"the bucket '{self.bucket}' does not exist",
                hint="create it, or fix the target's bucket name",
            )
        if code in ("AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "403"):
            return Problem(
                f"access to {where} denied ({code})",
                hint="check the AWS credentials and the bucket's policy",
            )
        return Problem(f"S3 refused the deploy to {where}: {code} {error.get('Message', '')}")


def _new_md5(data: bytes = b"") -> hashlib._Hash:
    # S3's ETag is an MD5: a checksum here, which FIPS builds allow only when told so.
    return hashlib.md5(data, usedforsecurity=False)


def _md5(path: Path) -> bytes:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, _new_md5).digest()
