"""The main job: `qb-symbolic report` writes every file its index lists."""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter

import matplotlib.image as mpimg
from toolchains import required

from qb_symbolic.cli import main
from qb_symbolic.paper.claims import OUR_READING, STATUSES, ClaimResult, count_statuses, headline
from qb_symbolic.paper.report import listed_files

#: The claims step's headline: each status counted apart.
HEADLINE = re.compile(r"(\d+) of (\d+) claims? holds? as stated, (\d+) holds? only for a range or in part, "
                      r"(\d+) fails?")


def test_report_writes_everything_it_lists(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["report"]) == 0  # no arguments: ./qb_report
    out = capsys.readouterr().out
    folder = tmp_path / "qb_report"
    index = folder / "index.md"
    assert index.exists()
    steps = re.findall(r"^\[(\d)/9\] ", out, flags=re.MULTILINE)
    assert steps == ["1", "2", "3", "4", "5", "6", "7", "8", "9"]
    assert f"report written to {folder}" in out

    files = listed_files(index)
    assert len(files) >= 25
    for path in files:
        assert path.exists() and path.stat().st_size > 0, path
    names = {p.relative_to(folder).as_posix() for p in files}
    assert {"results.md", "gallery.md"} <= names  # the user guide's generated pages
    for fig in ("fig2", "fig3ab", "fig3c", "fig4", "fig5", "fig6", "fig7"):
        assert {f"figures/{fig}.png", f"figures/{fig}.pdf"} <= names
        image = mpimg.imread(folder / "figures" / f"{fig}.png")
        assert image.shape[0] > 300 and image.shape[1] > 400
    assert {"claims.md", "claims.json", "summary.md", "summary.json",
            "formulas/qb_symbolic_formulas.tex"} <= names
    pdf = "formulas/qb_symbolic_formulas.pdf"
    if shutil.which("pdflatex") or required():  # CI installs pdflatex: the PDF must be there
        assert pdf in names
    else:  # a newcomer's machine: the report says why there is no PDF and lists none
        assert pdf not in names and "pdflatex not found" in out

    claims = json.loads((folder / "claims.json").read_text())
    assert {c["id"] for c in claims} >= {"fig2-power", "fig3-power-grows", "fig5-coherence-steering"}
    _check_sources(folder)
    # The headline counts each status apart, in the progress line and in the index,
    # and the counts are those of claims.json and add up to the number of claims.
    statuses = Counter(c["status"] for c in claims)
    assert set(statuses) <= set(STATUSES)
    expected = (statuses["holds"], len(claims), statuses["holds-conditionally"], statuses["fails"])
    (line,) = [line for line in out.splitlines()
               if "claims hold" in line and "thermal" not in line and "chains:" not in line
               and "networks:" not in line and "open batteries:" not in line]
    found = HEADLINE.search(line)
    assert found and tuple(map(int, found.groups())) == expected
    held, total, conditional, failed = expected
    assert held + conditional + failed == total == 14
    assert conditional >= 3  # fig3-power-grows in part, fig6-xyz and fig7-xyz for a gamma range only
    assert found.group(0) in (folder / "index.md").read_text()
    assert found.group(0) in (folder / "claims.md").read_text()
    _check_thermal_part(folder, names, out)
    _check_chain_part(folder, names, out)
    summary = json.loads((folder / "summary.json").read_text())
    parallel = next(r for r in summary if r["model"] == "parallel")
    assert parallel["t_min_exact"] == "pi/2" and parallel["full_charge"]  # Omega = 1
    # Hand: P_par = 4 sin^2(x)/x is largest where tan x = 2x, x = 1.16556..., P = 2.89845...
    assert abs(parallel["t_P_max"] - 1.1655611852072113) < 1e-9
    assert abs(parallel["P_max"] - 4 * 0.844578868322582 / 1.1655611852072113) < 1e-9


def _check_sources(folder) -> None:
    """Every claim's source is in its JSON, its Markdown file and the index's table."""
    index = (folder / "index.md").read_text()
    assert index.count("| status | verdict | source |") == 5  # paper, thermal, chains, networks, open
    for stem in ("claims", "thermal_claims", "chain_claims"):
        records = json.loads((folder / f"{stem}.json").read_text())
        text = (folder / f"{stem}.md").read_text()
        for record in records:
            assert record["source"] and f"| {record['source']} |" in index, record["id"]
            assert f"**Source.** {record['source']}" in text
    thermal = json.loads((folder / "thermal_claims.json").read_text())
    assert {r["source"] for r in thermal} == {
        "summary of arXiv:2408.00133 in an issue (the paper's text was not available)"}


def _check_thermal_part(folder, names: set[str], out: str) -> None:
    """The thermal battery's step: figures and claims listed, with their own headline."""
    for fig in ("thermal_T", "thermal_D", "thermal_K", "thermal_charging"):
        assert {f"figures/{fig}.png", f"figures/{fig}.pdf"} <= names
    assert {"thermal_claims.md", "thermal_claims.json"} <= names
    thermal = json.loads((folder / "thermal_claims.json").read_text())
    statuses = Counter(c["status"] for c in thermal)
    expected = (statuses["holds"], len(thermal), statuses["holds-conditionally"], statuses["fails"])
    index = (folder / "index.md").read_text()
    section = index.split("## Thermal battery (arXiv:2408.00133 setting)", 1)[1]
    found = HEADLINE.search(section)
    assert found and tuple(map(int, found.groups())) == expected and len(thermal) == 3
    (line,) = [line for line in out.splitlines() if line.strip().startswith("thermal battery:")]
    assert found.group(0) in line and found.group(0) in (folder / "thermal_claims.md").read_text()


def _check_chain_part(folder, names: set[str], out: str) -> None:
    """The chains' step: figures and claims listed, with their own headline in the index."""
    for fig in ("chain_power", "chain_advantage", "chain_time", "chain_ergotropy"):
        assert {f"figures/{fig}.png", f"figures/{fig}.pdf"} <= names
    assert {"chain_claims.md", "chain_claims.json"} <= names
    chains = json.loads((folder / "chain_claims.json").read_text())
    statuses = Counter(c["status"] for c in chains)
    expected = (statuses["holds"], len(chains), statuses["holds-conditionally"], statuses["fails"])
    index = (folder / "index.md").read_text()
    section = index.split("## Chains: the DM conjecture for N cells", 1)[1]
    found = HEADLINE.search(section)
    assert found and tuple(map(int, found.groups())) == expected and len(chains) == 9
    assert "## Thermal battery" not in section  # the chains' section comes after the thermal one
    (line,) = [line for line in out.splitlines() if line.strip().startswith("chains:")]
    assert found.group(0) in line and found.group(0) in (folder / "chain_claims.md").read_text()
    assert "[5/9] chains: the paper's conjecture for N cells" in out


def test_figure_and_claim_commands(tmp_path, capsys) -> None:
    assert main(["figures", "--out", str(tmp_path / "f"), "--gamma", "0"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("qb-symbolic: error:") and "gamma != 0" in err and "\n" not in err
    assert main(["figures", "--out", str(tmp_path / "f"), "--gamma", "abc"]) == 2
    assert "expected a number" in capsys.readouterr().err
    assert main(["claims", "--out", str(tmp_path / "c")]) == 0
    assert f"wrote {tmp_path / 'c' / 'claims.md'}" in capsys.readouterr().out
    text = (tmp_path / "c" / "claims.md").read_text()
    assert text.count("**Proposition.**") == len(json.loads((tmp_path / "c" / "claims.json").read_text()))


def _claim(status: str) -> ClaimResult:
    return ClaimResult("x", "Fig. 0", "quote", "proposition", f"{status}: numbers", status, source=OUR_READING)


def test_headline_counts_each_status_apart() -> None:
    results = [_claim(s) for s in ("holds", "holds-conditionally", "fails", "holds", "holds-conditionally")]
    assert count_statuses(results) == {"holds": 2, "holds-conditionally": 2, "fails": 1}
    assert headline(results) == "2 of 5 claims hold as stated, 2 hold only for a range or in part, 1 fails"
    assert count_statuses([]) == dict.fromkeys(STATUSES, 0)
    one = headline([_claim("holds")])
    assert one == "1 of 1 claim holds as stated, 0 hold only for a range or in part, 0 fail"
    for text in (headline(results), one):
        counts = tuple(map(int, HEADLINE.fullmatch(text).groups()))
        assert counts[0] + counts[2] + counts[3] == counts[1]
