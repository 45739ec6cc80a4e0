#!/usr/bin/env python3
"""Deploy a generated corpus to a local moto S3 server: a cold first deploy, then
redeploys with nothing changed (target: a no-change redeploy under 10 % of the first).

    pip install -e '.[test]'          # boto3 and moto[server]
    python bench/deploy_s3.py --posts 1000 --seed 1 --work /tmp/deploy1k --rounds 3

Steps: make the corpus with bench/make_corpus.py (unless WORK already holds one) and give
both sites an s3:// target in one bucket. Each round starts `python -m moto.server` on a
free loopback port (an empty store), creates the bucket, removes the build output and
cache, and times `splitblog deploy` as a user runs it, a fresh process each time (so
start-up and imports count): once cold (build, audit and every upload), then --repeat
times with nothing changed. Timings on a shared machine are noisy: medians are reported.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import socket
import statistics
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


def cold(work: Path) -> None:
    """No build output, no build cache: the first deploy builds everything."""
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


def uploaded(output: str) -> int:
    """The files a deploy uploaded, from its summary: the rows under the header."""
    lines = output.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("site "))
    rows = [line for line in lines[header + 1 :] if not line.startswith("Deployed")]
    return sum(int(row.split()[1]) for row in rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, default=Path("/tmp/deploy1k"))
    parser.add_argument("--rounds", type=int, default=1, help="cold deploys, each on a fresh store")
    parser.add_argument("--repeat", type=int, default=3, help="no-change redeploys per round")
    args = parser.parse_args()
    work = args.work.resolve()
    prepare(work, args.posts, args.seed)

    import boto3  # the test extra; imported here so --help works without it

    firsts: list[float] = []
    agains: list[float] = []
    for round_ in range(1, args.rounds + 1):
        cold(work)
        with moto(work.parent / f"{work.name}-moto.log") as endpoint:
            env = {
                **os.environ,
                "AWS_ENDPOINT_URL": endpoint,
                "AWS_ACCESS_KEY_ID": "bench",
                "AWS_SECRET_ACCESS_KEY": "bench",
                "AWS_DEFAULT_REGION": "us-east-1",
                "AWS_EC2_METADATA_DISABLED": "true",
            }
            s3 = boto3.client(
                "s3",
                endpoint_url=endpoint,
                region_name="us-east-1",
                aws_access_key_id="bench",
                aws_secret_access_key="bench",
            )
            s3.create_bucket(Bucket=BUCKET)
            first, first_out = deploy(work, env)
            runs = [deploy(work, env) for _ in range(args.repeat)]
            pages = s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET)
            objects = sum(len(page.get("Contents", ())) for page in pages)
        built = sum(1 for p in (work / "public").rglob("*") if p.is_file())
        if objects != built:
            raise SystemExit(f"the bucket holds {objects} objects, the build {built} files")
        if any(uploaded(out) for _seconds, out in runs):
            raise SystemExit("a no-change redeploy uploaded something:\n" + runs[0][1])
        again = [seconds for seconds, _out in runs]
        print(f"round {round_}: {objects} objects; first deploy {first:.2f} s; "
              f"no-change redeploys {', '.join(f'{t:.2f}' for t in again)} s")  # fmt: skip
        if round_ == 1:
            print("\nfirst deploy:\n" + first_out + "\nno-change redeploy:\n" + runs[0][1])
        firsts.append(first)
        agains.extend(again)

    first, again = statistics.median(firsts), statistics.median(agains)
    print(f"corpus: {args.posts} posts (seed {args.seed}) in {work}")
    print(f"first deploy        median {first:7.2f} s  of {len(firsts)}")
    print(f"no-change redeploy  median {again:7.2f} s  of {len(agains)}  "
          f"({100 * again / first:.1f} % of the first)")  # fmt: skip


if __name__ == "__main__":
    main()
