"""Which version of a model path a `register` or `predict` statement uses.

Options (MLSQL/Byzer names):

- ``version``: ``latest`` (default), ``best`` or a version number;
- ``algIndex``: the version trained by that parameter group (``fitParam.<N>``) of a run;
- ``autoSelectByMetric``: the best version of a run by that metric (``f1``, ``accuracy``,
  ``auc``, ``rmse``, ``r2``, … see ``mlsql.models.metrics.HIGHER_IS_BETTER``).

A *run* is one ``train`` statement: its parameter groups are published as versions sharing a
``run_id``. ``best``, ``algIndex`` and ``autoSelectByMetric`` choose among the versions of the
most recent run (or of the run of the version number given with them), which is exactly the set
of rows the train statement's table showed: ``version="best"`` is the row that table marked
best (``mlsql.models.metrics.best_index`` is the one definition both use). Older runs kept with
``keepVersion="true"`` are reached by their version number. Versions published without a run
id (outside a train statement) count as one run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlsql.errors import AnalysisError
from mlsql.models.metadata import ModelMetadata
from mlsql.models.metrics import best_index

if TYPE_CHECKING:
    from mlsql.models.store import ModelStore


def run_versions(store: ModelStore, version: int | None = None) -> list[tuple[int, ModelMetadata]]:
    """(number, metadata) of the versions of one run, in group order.

    Args:
        store: The model path.
        version: A version of the run (default: the newest version).

    Raises:
        AnalysisError: The path has no versions.
    """
    numbers = store.versions()
    if not numbers:
        raise AnalysisError(f"no model versions under {store.path}")
    anchor = numbers[-1] if version is None else store.resolve(version)
    metas = {n: ModelMetadata.read(store.version_dir(n)) for n in numbers}
    run_id = metas[anchor].run_id
    members = [n for n in numbers if metas[n].run_id == run_id]
    return sorted(((n, metas[n]) for n in members), key=lambda item: (item[1].group, item[0]))


def best_version(store: ModelStore, metric: str | None = None, version: int | None = None) -> int:
    """The best version of a run (the newest run unless `version` names one of its versions).

    Raises:
        AnalysisError: No versions, or none has a value for the metric.
    """
    members = run_versions(store, version)
    index = best_index([(meta.task, meta.metrics) for _, meta in members], metric)
    if index is None:
        what = f"metric {metric!r}" if metric else "its primary metric"
        raise AnalysisError(
            f"no version under {store.path} has a value for {what}; versions:"
            f" {', '.join(f'{n} {sorted(m.metrics)}' for n, m in members)}"
        )
    return members[index][0]


def group_version(store: ModelStore, group: int, version: int | None = None) -> int:
    """The version trained by parameter group `group` of a run (``algIndex``).

    Raises:
        AnalysisError: The run has no such group (the message lists the groups it has).
    """
    members = run_versions(store, version)
    for number, meta in members:
        if meta.group == group:
            return number
    groups = ", ".join(f"{m.group} (version {n})" for n, m in members)
    raise AnalysisError(f"algIndex {group}: the model's last train run has groups {groups}")


def choose_version(
    store: ModelStore,
    version: str | int = "latest",
    alg_index: str | int | None = None,
    metric: str | None = None,
) -> int:
    """The version number the options ``version``, ``algIndex`` and ``autoSelectByMetric`` name.

    Raises:
        AnalysisError: Conflicting or invalid options, or no such version.
    """
    text = str(version).strip().lower() or "latest"
    if alg_index is not None and metric:
        raise AnalysisError("set either algIndex or autoSelectByMetric, not both")
    anchor = None if text in ("latest", "best") else store.resolve(text)
    if alg_index is not None:
        try:
            group = int(str(alg_index).strip())
        except ValueError as exc:
            raise AnalysisError(f"algIndex must be a group number, not {alg_index!r}") from exc
        return group_version(store, group, anchor)
    if metric:
        return best_version(store, metric, anchor)
    if text == "best":
        return best_version(store)
    return store.resolve(text)
