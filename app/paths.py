"""Every folder presend uses, from platformdirs or the PRESEND_HOME / PRESEND_SITE_DIR overrides."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "presend"


@dataclass(frozen=True, slots=True)
class AppPaths:
    config: Path  # user preferences
    state: Path  # audit log, spool, watcher state
    log: Path  # the audit log folder
    cache: Path
    site: Path  # machine-wide (admin) folder: policy.toml, policy.toml.sig, trusted_keys/

    @property
    def audit_dir(self) -> Path:
        return self.log

    @property
    def spool_dir(self) -> Path:
        return self.state / "spool"

    @property
    def quarantine_dir(self) -> Path:
        return self.state / "quarantine"

    def as_dict(self) -> dict[str, str]:
        return {
            "config": str(self.config),
            "state": str(self.state),
            "log": str(self.log),
            "cache": str(self.cache),
            "site": str(self.site),
        }


def app_paths(environ: dict[str, str] | None = None) -> AppPaths:
    env = os.environ if environ is None else environ
    home = env.get("PRESEND_HOME")
    site_override = env.get("PRESEND_SITE_DIR")
    if home:
        root = Path(home).expanduser()
        paths = AppPaths(
            config=root / "config",
            state=root / "state",
            log=root / "log",
            cache=root / "cache",
            site=Path(site_override) if site_override else root / "site",
        )
    else:
        paths = AppPaths(
            config=Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
            state=Path(platformdirs.user_state_dir(APP_NAME, appauthor=False)),
            log=Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)),
            cache=Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)),
            site=Path(site_override)
            if site_override
            else Path(platformdirs.site_config_dir(APP_NAME, appauthor=False)),
        )
    return paths
