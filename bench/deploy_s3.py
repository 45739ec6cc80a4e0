#!/usr/bin/env python3
"""Deploy a generated corpus to a local moto S3 server, twice: a cold first deploy and a
redeploy with nothing changed (target: the second under 10 % of the first).

    pip install -e '.[test]'          # boto3 and moto[server]
    python bench/deploy_s3.py --posts 1000 --seed 1 --work /tmp/deploy1k

Steps: make the corpus with bench/make_corpus.py (unless WORK already holds one), give
both sites an s3:// target in one bucket, start `python -m moto.server` on a free
loopback port, create the bucket, then time `splitblog deploy` as a user runs it (a
fresh process each time, so start-up and imports count). The first deploy starts from
no build output and no cache, so it includes the full build and audit.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
BUCKET = "bench-sites"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def moto(log: Path) -> Iterator[str]:
    port = free_port()
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"moto.server did not start; see {log}")
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def prepare(work: Path, posts: int, seed: int) -> None:
    config = work / "splitblog.toml"
    if not config.exists():
        subprocess.run(
            [sys.executable, str(HERE / "make_corpus.py"), str(work), "--posts", str(posts),
             "--seed", str(seed)],
            check=True,
        )  # fmt: skip
    text = config.read_text()
    if "[sites.professional.deploy]" not in text:
        config.write_text(
            text + f'\n[sites.professional.deploy]\ntarget = "s3://{BUCKET}/professional"\n'
            f'\n[sites.personal.deploy]\ntarget = "s3://{BUCKET}/personal"\n'
        )
    # A cold start: no build output, no build cache.
    for name in ("public", ".splitblog"):
        shutil.rmtree(work / name, ignore_errors=True)


def deploy(work: Path, env: dict[str, str]) -> tuple[float, str]:
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "splitblog", "deploy"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"splitblog deploy failed:\n{result.stdout}{result.stderr}")
    return seconds, result.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, default=Path("/tmp/deploy1k"))
    args = parser.parse_args()
    work = args.work.resolve()
    prepare(work, args.posts, args.seed)

    import boto3  # the test extra; imported here so --help works without it

    with moto(work.parent / f"{work.name}-moto.log") as endpoint:
        env = {
            **os.environ,
            "AWS_ENDPOINT_URL": endpoint,
            "AWS_ACCESS_KEY_ID": "bench",
            "AWS_SECRET_ACCESS_KEY": "bench",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_EC2_METADATA_DISABLED": "true",
        }
        os.environ.update(env)
        s3 = boto3.client("s3")
        s3.create_bucket(Bucket=BUCKET)
        first, first_out = deploy(work, env)
        second, second_out = deploy(work, env)
        pages = s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET)
        objects = sum(len(page.get("Contents", ())) for page in pages)

    built = sum(1 for p in (work / "public").rglob("*") if p.is_file())
    print(f"corpus: {args.posts} posts (seed {args.seed}) in {work}")
    print(f"objects in s3://{BUCKET}: {objects} (built files: {built})")
    print("\nfirst deploy (cold: build + audit + upload):\n" + first_out)
    print("no-change redeploy:\n" + second_out)
    print(f"first deploy        {first:7.2f} s")
    print(f"no-change redeploy  {second:7.2f} s  ({100 * second / first:.1f} % of the first)")
    if objects != built:
        raise SystemExit("the bucket does not hold exactly the built files")


if __name__ == "__main__":
    main()
