"""The policy's [custom] keywords, exact data match and fingerprints reach the engine."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from app.services.decide import Channel
from app.services.pipeline import Pipeline
from app.services.policy import PolicyError, parse_policy
from classifiers.build import make_engine

ROOT = Path(__file__).resolve().parents[2]


def _edm(tmp_path: Path) -> Path:
    csv = tmp_path / "customers.csv"
    csv.write_text("customer_id,email\nCUST-884412,jo.bloggs@example.net\nCUST-100200,a@b.example\n")
    out = tmp_path / "customers.edm"
    r = subprocess.run([sys.executable, "-m", "app.cli", "policy", "edm", "build", str(csv),
                        "--columns", "customer_id,email", "-o", str(out)],
                       capture_output=True, cwd=ROOT, timeout=120)
    assert r.returncode == 0, r.stderr.decode()
    assert b"CUST-884412" not in out.read_bytes()
    return out


def test_edm_and_keywords_from_the_policy_find_the_organisations_data(tmp_path: Path) -> None:
    edm = _edm(tmp_path)
    digest = hashlib.sha256(edm.read_bytes()).hexdigest()
    text = f"""schema = 1
serial = 11
[[custom.keywords]]
id = "codenames"
terms = ["Project Kestrel"]
severity = "high"
[[custom.edm]]
id = "customers"
file = "customers.edm"
sha256 = "{digest}"
severity = "critical"
"""
    policy = parse_policy(text, "admin", data_dir=tmp_path)
    pipe = Pipeline(make_engine(policy.engine_options), lambda: policy)
    outcome = pipe.classify_text("Re: project kestrel — refund for customer CUST-884412 today",
                                 "-", Channel.CLI)
    types = {f.entity_type for f in outcome.decision.reported}
    assert {"CUSTOM:codenames", "CUSTOM:customers"} <= types
    assert outcome.verdict == "redact"  # critical by the default action table


def test_a_custom_data_file_that_was_changed_refuses_the_policy(tmp_path: Path) -> None:
    edm = _edm(tmp_path)
    text = f"""schema = 1
serial = 12
[[custom.edm]]
id = "customers"
file = "customers.edm"
sha256 = "{'0' * 64}"
"""
    with pytest.raises(PolicyError) as err:
        parse_policy(text, "admin", data_dir=tmp_path)
    assert "customers" in str(err.value)
    assert edm.exists()
