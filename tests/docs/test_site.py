"""The documentation site builds offline and renders its mathematics.

The site is built once (``mkdocs build --strict``, no network needed) into a temporary folder;
then every page that writes a formula must have it wrapped by ``pymdownx.arithmatex`` (inline
``<span class="arithmatex">\\(…\\)</span>``, display ``<div class="arithmatex">\\[…\\]</div>``)
and must load the MathJax configuration and MathJax itself, and no page links to a
placeholder site. Where headless Chromium is on ``PATH`` and MathJax can be fetched, the
revealed-preference page is rendered and every formula must come out typeset (MathJax's
``mjx-container`` elements, no raw ``\\(`` left); otherwise that check is skipped.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

yaml = pytest.importorskip("yaml")
pytest.importorskip("mkdocs")
pytest.importorskip("material")

ROOT = Path(__file__).resolve().parents[2]
MATH_PAGES = ["theory/revealed-preference", "theory/bridge-metrics"]
_PLACEHOLDER = re.compile(r"example\.(invalid|com|org)|placeholder", re.I)


def _config() -> dict[str, object]:
    class Loader(yaml.SafeLoader):
        pass

    # read !!python/name tags (which material's recipes use) as their tag, without importing
    Loader.add_multi_constructor(
        "tag:yaml.org,2002:python/", lambda loader, suffix, node: f"!!python/{suffix}"
    )
    return yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=300, env=env,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out


def test_header_links_are_real() -> None:
    """No placeholder ``site_url``/``repo_url``: each is absent or a real address."""
    config = _config()
    for key in ("site_url", "repo_url", "edit_uri"):
        value = config.get(key)
        assert value is None or not _PLACEHOLDER.search(str(value)), f"{key}: {value}"


def test_mathjax_is_configured_for_arithmatex() -> None:
    config = _config()
    scripts = [str(s) for s in config.get("extra_javascript", [])]  # type: ignore[union-attr]
    assert scripts[0] == "javascripts/mathjax.js", scripts
    assert any(re.search(r"mathjax@3/es5/tex-(mml-)?chtml\.js$", s) for s in scripts), scripts
    local = ROOT / "docs" / scripts[0]
    text = local.read_text(encoding="utf-8")
    assert 'processHtmlClass: "arithmatex"' in text
    ext = next(e for e in config["markdown_extensions"]  # type: ignore[union-attr]
               if isinstance(e, dict) and "pymdownx.arithmatex" in e)
    assert ext["pymdownx.arithmatex"] == {"generic": True}


@pytest.mark.slow
def test_formulas_are_wrapped_and_mathjax_loaded(site: Path) -> None:
    for page in MATH_PAGES:
        html = (site / page / "index.html").read_text(encoding="utf-8")
        assert '<div class="arithmatex">\\[' in html, page
        scripts = re.findall(r'<script src="([^"]+)"', html)
        config = [k for k, s in enumerate(scripts) if s.endswith("javascripts/mathjax.js")]
        engine = [k for k, s in enumerate(scripts) if "tex-mml-chtml.js" in s]
        assert config and engine and config[0] < engine[0], scripts
    inline = (site / MATH_PAGES[0] / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<span class="arithmatex">\\\(.+?\\\)</span>', inline)
    assert (site / "javascripts" / "mathjax.js").is_file()


@pytest.mark.slow
def test_no_raw_formula_outside_arithmatex(site: Path) -> None:
    """Every ``$…$`` or ``\\(…\\)`` on a page is inside an arithmatex element."""
    for page in MATH_PAGES:
        html = (site / page / "index.html").read_text(encoding="utf-8")
        body = html.split('<article', 1)[1].split("</article>", 1)[0]
        body = re.sub(r'<(span|div) class="arithmatex">.*?</\1>', "", body, flags=re.S)
        body = re.sub(r"<(code|pre)\b.*?</\1>", "", body, flags=re.S)
        assert "\\(" not in body and "$$" not in body, page


@pytest.mark.slow
def test_no_placeholder_links_in_the_site(site: Path) -> None:
    for html in site.rglob("*.html"):
        text = html.read_text(encoding="utf-8")
        assert not re.search(r'href="[^"]*example\.(invalid|com|org)', text), html


@pytest.mark.slow
def test_formulas_render_in_a_browser(site: Path, tmp_path: Path) -> None:
    from coherence.reporting import find_chromium

    browser = find_chromium()
    if browser is None:
        pytest.skip("no Chromium on PATH")
    page = site / "theory" / "revealed-preference" / "index.html"
    proc = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu",
         f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=20000",
         "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120,
    )
    dom = proc.stdout
    if "mjx-container" not in dom:
        pytest.skip("MathJax could not be fetched (no network): rendering not checked")
    spans = re.findall(r'<span class="arithmatex">(.*?)</span>', dom, flags=re.S)
    assert spans and all("mjx-container" in s for s in spans[:20]), spans[:3]
    assert not any(s.lstrip().startswith("\\(") for s in spans)
