"""How long `splitblog import wordpress` takes on a 1,000-post WXR export.

Writes an export of N posts (default 1,000: paragraphs, lists, code, a table, links to
other posts, images, categories, tags and comments), a fresh project, and times the
command twice: the first import, then a second run that finds every post unchanged.

    python bench/import_wxr.py [N]
"""

from __future__ import annotations

import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape

WORDS = [
    "campaign",
    "funnel",
    "budget",
    "retention",
    "launch",
    "audience",
    "channel",
    "brand",
    "metric",
    "quarter",
    "growth",
    "report",
    "pricing",
    "segment",
    "content",
    "partner",
    "review",
    "target",
    "result",
    "plan",
]


def body(rng: random.Random, number: int, total: int) -> str:
    def sentence() -> str:
        return " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 18))).capitalize() + "."

    other = rng.randrange(total)
    parts = [f"<p>{sentence()} {sentence()}</p>" for _ in range(rng.randint(3, 8))]
    parts.insert(1, "<!--more-->")
    address = f"https://blog.example.org/{2010 + other % 10}/01/01/post-{other}/"
    parts.append(f'<p>See <a href="{address}">post {other}</a> and <b>{sentence()}</b></p>')
    parts.append("<ul>" + "".join(f"<li>{sentence()}</li>" for _ in range(4)) + "</ul>")
    parts.append(f'<p><img src="/wp-content/uploads/photo-{number}.jpg" alt="Photo {number}"/></p>')
    if number % 5 == 0:
        parts.append('<pre><code class="language-python">def f(x):\n    return x * 2</code></pre>')
    if number % 7 == 0:
        parts.append("<table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>2</td></tr></table>")
    return "\n".join(parts)


def export(total: int) -> str:
    rng = random.Random(12)
    items = []
    for number in range(total):
        year = 2010 + number % 10
        comments = "".join(
            f"<wp:comment><wp:comment_author><![CDATA[Reader {c}]]></wp:comment_author>"
            f"<wp:comment_content><![CDATA[Nice.]]></wp:comment_content></wp:comment>"
            for c in range(number % 3)
        )
        items.append(f"""<item>
<title>{escape(f"Post {number}: " + " ".join(rng.choice(WORDS) for _ in range(4)))}</title>
<link>https://blog.example.org/{year}/01/01/post-{number}/</link>
<content:encoded><![CDATA[{body(rng, number, total)}]]></content:encoded>
<excerpt:encoded><![CDATA[]]></excerpt:encoded>
<wp:post_id>{number + 1}</wp:post_id>
<wp:post_date_gmt>{year}-01-01 {number % 24:02d}:00:00</wp:post_date_gmt>
<wp:post_name>post-{number}</wp:post_name>
<wp:status>{"draft" if number % 50 == 0 else "publish"}</wp:status>
<wp:post_type>post</wp:post_type>
<category domain="category" nicename="c{number % 8}"><![CDATA[Category {number % 8}]]></category>
<category domain="post_tag" nicename="t{number % 30}"><![CDATA[tag{number % 30}]]></category>
{comments}
</item>""")
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Bench</title><link>https://blog.example.org</link>
<wp:wxr_version>1.2</wp:wxr_version><wp:base_blog_url>https://blog.example.org</wp:base_blog_url>
{"".join(items)}
</channel></rss>
"""


def main() -> None:
    total = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        source = root / "export.xml"
        source.write_text(export(total), encoding="utf-8")
        project = root / "project"
        project.mkdir()
        (project / "splitblog.toml").write_text(
            '[sites.professional]\nbase_url = "https://pro.example.com/"\n'
            '[sites.personal]\nbase_url = "https://home.example.net/"\n'
        )
        size = source.stat().st_size / 2**20
        for run in ("first import", "second run (all unchanged)"):
            started = time.perf_counter()
            result = subprocess.run(
                [sys.executable, "-m", "splitblog", "import", "wordpress", str(source),
                 "-a", "professional"],
                cwd=project, capture_output=True, text=True, check=True,
            )  # fmt: skip
            seconds = time.perf_counter() - started
            print(f"{run}: {total} posts ({size:.1f} MB) in {seconds:.2f} s — "
                  f"{result.stdout.splitlines()[0]}")  # fmt: skip
        started = time.perf_counter()
        built = subprocess.run([sys.executable, "-m", "splitblog", "build"], cwd=project,
                               capture_output=True, text=True)  # fmt: skip
        print(f"build of the imported posts: exit {built.returncode} in "
              f"{time.perf_counter() - started:.2f} s")  # fmt: skip
        if built.returncode:
            print(built.stderr[-2000:])


if __name__ == "__main__":
    main()
