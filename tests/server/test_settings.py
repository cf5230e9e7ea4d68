"""Server settings from defaults, a TOML file and the environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from server.settings import Settings, SettingsError, load_settings


def test_environment_overrides_the_config_file(tmp_path: Path) -> None:
    config = tmp_path / "server.toml"
    config.write_text('[server]\ndatabase_url = "postgresql://db/a"\nport = 9000\n')
    settings = load_settings(
        config, {"BENCHSIDE_SERVER_PORT": "9100", "BENCHSIDE_SERVER_LOG_LEVEL": "debug"}
    )
    assert settings.database_url == "postgresql://db/a"
    assert settings.port == 9100
    assert settings.log_level == "debug"
    assert settings.sqlalchemy_url == "postgresql+psycopg://db/a"


def test_unknown_setting_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="unknown setting 'prot'"):
        load_settings(None, {"BENCHSIDE_SERVER_PROT": "1", "BENCHSIDE_SERVER_DATABASE_URL": "x"})


def test_bad_number_and_missing_database_url_are_refused() -> None:
    with pytest.raises(SettingsError, match="not a valid int"):
        load_settings(
            None, {"BENCHSIDE_SERVER_PORT": "eighty", "BENCHSIDE_SERVER_DATABASE_URL": "x"}
        )
    with pytest.raises(SettingsError, match="no database URL"):
        load_settings(None, {})


def test_defaults_match_the_protocol_limits() -> None:
    settings = Settings(database_url="postgresql://db/a")
    assert settings.body_limit == 16 * 1024 * 1024
    assert settings.enrollment_code_hours == 24
