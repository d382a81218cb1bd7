"""Engine configuration: `conf/mlsql.toml` defaults, overridden by environment and CLI flags.

Precedence (highest first): explicit overrides (CLI `--conf`, `--master`, API arguments), then
environment variables `MLSQL_<SECTION>__<KEY>` (e.g. `MLSQL_SPARK__MASTER=local[4]`), then the
file named by `MLSQL_CONF` or the packaged `conf/mlsql.toml`, then the defaults below.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from pydantic import AliasChoices, BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def conf_file(*parts: str) -> Path:
    """A file or folder of `conf/`: the source tree's when it exists (a checkout, an editable
    install), else the installed package data `mlsql/conf/` (found through importlib.resources)."""
    local = PROJECT_ROOT.joinpath("conf", *parts)
    if local.exists():
        return local
    from importlib.resources import files

    return Path(str(files("mlsql").joinpath("conf", *parts)))


DEFAULT_CONF_FILE = conf_file("mlsql.toml")


def _default_jars_dir() -> Path:
    env = os.environ.get("MLSQL_JARS_DIR")
    if env:
        return Path(env)
    local = PROJECT_ROOT / ".cache" / "jars"
    return local if local.exists() else Path.home() / ".cache" / "mlsql" / "jars"


class SparkSettings(BaseModel):
    """How the engine gets its Spark session."""

    master: str = "local[2]"
    app_name: str = "mlsql"
    log_level: str = "ERROR"
    conf: dict[str, str] = Field(default_factory=dict)


class KafkaSettings(BaseModel):
    """Where training data travels; empty bootstrap_servers means the embedded broker."""

    bootstrap_servers: str = ""
    embedded_port: int = 0
    embedded_controller_port: int = 0
    topic_prefix: str = "mlsql"
    message_max_bytes: int = 16 * 1024 * 1024
    start_timeout_s: float = 60.0
    request_timeout_s: float = 15.0


class OwnerPolicy(BaseModel):
    """What one owner may do beyond the safe default, and its limits (`security.owners.<name>`).

    The engine enforces the grants for runs that carry a policy (every REST job); the server
    enforces the limits. Unset fields of an owner's table fall back to `security.default_policy`.
    """

    allow_reflection: bool = False  # reflect, java_method, try_reflect, SELECT TRANSFORM
    allow_user_code: bool = False  # PythonAlg, SKLearn outside sklearn.*, add jar, create function
    allow_spark_conf: list[str] = Field(default_factory=list)  # extra conf keys (`prefix.*`, `*`)
    max_concurrent_jobs: int = 0  # 0: only the server's pool bounds it
    max_queued_jobs: int = 0  # 0: only the server's queue bounds it
    requests_per_minute: int = 0  # 0: unlimited


class SecuritySettings(BaseModel):
    """Switches that are off by default."""

    allow_shell_set: bool = False
    # Non-empty: every path a script reaches lies under one of these roots; `{owner}` in a root
    # is replaced by the owner that runs the script (one sandbox per owner).
    allowed_path_roots: list[str] = Field(default_factory=list)
    default_policy: OwnerPolicy = Field(default_factory=OwnerPolicy)
    owners: dict[str, OwnerPolicy] = Field(default_factory=dict)

    def policy_for(self, owner: str) -> OwnerPolicy:
        """The owner's policy: its own table over `default_policy`."""
        own = self.owners.get(owner)
        if own is None:
            return self.default_policy
        merged = {**self.default_policy.model_dump(), **own.model_dump(exclude_unset=True)}
        return OwnerPolicy.model_validate(merged)


class TrainingSettings(BaseModel):
    """Training worker behaviour."""

    worker_timeout_s: float = 3600.0
    max_parallel_groups: int = 0
    batch_rows: int = 50_000


class ServerSettings(BaseModel):
    """The REST service."""

    host: str = "127.0.0.1"
    port: int = 9003
    # Legacy single token: it identifies `access_token_owner` with the admin role.
    access_token: str = ""
    access_token_owner: str = "admin"
    # owner -> sha256 hex of its token(s) (`mlsql token hash`); or a TOML file of the same shape
    # (`[tokens]` and `admins`). With tokens a request acts only as its token's owner.
    tokens: dict[str, str | list[str]] = Field(default_factory=dict)
    tokens_file: str = ""
    admins: list[str] = Field(default_factory=list)  # owners that may act for any owner
    callback_allowlist: list[str] = Field(default_factory=lambda: ["127.0.0.1", "localhost"])
    max_request_bytes: int = 1_000_000
    max_concurrent_jobs: int = 4
    max_queued_jobs: int = 100


class CliSettings(BaseModel):
    """The command line: a default `mlsql serve` that `mlsql run`/`shell` send scripts to."""

    server: str = ""  # e.g. http://127.0.0.1:9003; empty = run locally (`--local` forces it)
    token: str = ""  # sent as `Authorization: Bearer`; `--token` / MLSQL_TOKEN override it


class ServedModelSettings(BaseModel):
    """A model served from start-up (`[serving.models.<name>]`), as `register` would make it."""

    path: str
    version: str = "latest"
    output: str = "prediction"
    selection: str = ""
    versions: str = ""
    # register's positiveClass: the class whose probability `probability` answers
    positive_class: str = Field(
        "", validation_alias=AliasChoices("positive_class", "positiveClass")
    )


class ServingSettings(BaseModel):
    """Low-latency prediction (`/model/predict`, `/v1/models`): resident model workers."""

    enabled: bool = True
    workers: int = 0  # 0 = the number of cores
    transport: str = "unix"  # unix (domain sockets) or tcp (loopback)
    slo_ms: float = 20.0
    batch_wait_ms: float = 2.0
    max_batch_size: int = 256
    cache_entries: int = 10_000
    request_timeout_s: float = 30.0
    start_timeout_s: float = 60.0
    ensemble_deadline_ms: float = 20.0
    models: dict[str, ServedModelSettings] = Field(default_factory=dict)


class Config(BaseSettings):
    """All engine settings."""

    model_config = SettingsConfigDict(
        env_prefix="MLSQL_", env_nested_delimiter="__", extra="ignore"
    )

    work_dir: Path = Path("work")
    # JVM jars (mlsql/jars/): MLSQL_JARS_DIR, else .cache/jars in a checkout, else ~/.cache/mlsql/jars.
    jars_dir: Path = Field(default_factory=_default_jars_dir)
    # Maven repository the jars of mlsql/jars/registry.py come from (a mirror works too).
    jars_repository: str = "https://repo1.maven.org/maven2"
    # Fetch missing jars on first use; off: only `mlsql setup` fetches them.
    jars_auto_fetch: bool = True
    spark: SparkSettings = Field(default_factory=SparkSettings)
    kafka: KafkaSettings = Field(default_factory=KafkaSettings)
    security: SecuritySettings = Field(default_factory=SecuritySettings)
    training: TrainingSettings = Field(default_factory=TrainingSettings)
    server: ServerSettings = Field(default_factory=ServerSettings)
    serving: ServingSettings = Field(default_factory=ServingSettings)
    cli: CliSettings = Field(default_factory=CliSettings)

    @classmethod
    def load(cls, path: str | Path | None = None, **overrides: Any) -> Config:
        """Read the conf file, then the environment, then apply `overrides` (nested dicts merge)."""
        conf_path = Path(path or os.environ.get("MLSQL_CONF") or DEFAULT_CONF_FILE)
        file_values: dict[str, Any] = {}
        if conf_path.exists():
            file_values = tomllib.loads(conf_path.read_text())
        env_values = cls().model_dump(exclude_unset=True)
        merged = _merge(_merge(file_values, env_values), overrides)
        return cls.model_validate(merged)

    def spark_jars(self) -> list[Path]:
        """Jars handed to Spark (`spark.jars`): the Kafka connector and JDBC drivers (fetched
        on first use, mlsql/jars/)."""
        return self._jar_folder("spark")

    def s3_jars(self) -> list[Path]:
        """Spark's s3a connector (fetched on first use when S3 is configured, mlsql/jars/)."""
        return self._jar_folder("s3")

    def broker_jars(self) -> list[Path]:
        """The Kafka broker's class path (fetched on first use, mlsql/jars/)."""
        return self._jar_folder("broker")

    def _jar_folder(self, name: str) -> list[Path]:
        from mlsql.jars import ensure_runtime_jars

        ensure_runtime_jars(self, name)
        folder = self.jars_dir / name
        return sorted(folder.glob("*.jar")) if folder.exists() else []


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out
