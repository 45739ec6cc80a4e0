"""What the tests share besides the fixtures in conftest.py, each helper written once.

- files: a folder read back whole, {relative POSIX path: bytes} (or mtimes)
- processes: free ports, waiting against a deadline, stopping a subprocess
- plans: sources, routed plans and finished bodies built by hand, for the stage tests
- serving: a real `splitblog serve`, and small HTTP and SSE clients for it
- deploy: real deploy targets (moto S3, an rsync daemon, git) and readers for them
- leak_corpus, leak_oracle: the random corpora of the property-based leak test
"""
