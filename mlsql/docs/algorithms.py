"""Reference page: algorithms (`mlsql.models.algorithms` registry) and the options of `train`
(framework keys, Spark-ML parameter aliases, value spellings, ignored Spark parameters)."""

from __future__ import annotations

from mlsql.docs.markdown import code, doc_of, page, table


def _algorithm_rows() -> list[list[str]]:
    from mlsql.models.algorithms import algorithm_names, get_algorithm

    rows = []
    for name in algorithm_names():
        alg = get_algorithm(name)
        estimators = ", ".join(f"{task}: {code(est)}" for task, est in alg.estimators.items())
        notes = [alg.description] if alg.description else []
        notes += ["calibrated probabilities"] if alg.calibrate else []
        notes += ["standardized by default"] if alg.standardize else []
        notes += ["runs user code (allow_user_code)"] if alg.runs_user_code else []
        notes += [f"{' + '.join(p)} → {code(c)}" for p, c in alg.variants]
        rows.append(
            [f"**{name}**", ", ".join(alg.aliases), alg.family, estimators, "; ".join(notes)]
        )
    return rows


def _alias_rows() -> list[list[str]]:
    from mlsql.models.params import ALGORITHM_ALIASES, COMMON_ALIASES

    rows = []
    for key, alias in sorted(COMMON_ALIASES.items(), key=lambda kv: kv[0].lower()):
        rows.append([code(key), "every algorithm", code(alias.target), alias.transform or ""])
    for alg, aliases in sorted(ALGORITHM_ALIASES.items()):
        for key, alias in sorted(aliases.items(), key=lambda kv: kv[0].lower()):
            rows.append([code(key), alg, code(alias.target), alias.transform or ""])
    return rows


def _value_rows() -> list[list[str]]:
    from mlsql.models.params import VALUE_MAPS

    return [
        [code(param), code(spark), code(repr(value))]
        for param, values in sorted(VALUE_MAPS.items())
        for spark, value in values.items()
    ]


def render() -> str:
    """The algorithms page."""
    from mlsql.models import algorithms, options, params

    framework = ", ".join(code(k) for k in sorted(params.FRAMEWORK_KEYS, key=str.lower))
    ignored = ", ".join(code(k) for k in sorted(params.IGNORED_SPARK_PARAMS, key=str.lower))
    prefixes = ", ".join(code(p + "…") for p in params.IGNORED_PREFIXES)
    return page(
        "Algorithms and train options",
        "Used as `train <table> as <Algorithm>.`path` where …` (also `predict`, `evaluate`, "
        "`register`). Names and aliases are case-insensitive.\n\n" + doc_of(algorithms),
        "## Algorithms\n\n"
        + table(["name", "aliases", "family", "estimator by task", "notes"], _algorithm_rows()),
        "## Framework options\n\n" + doc_of(options) + f"\n\nAll framework keys: {framework}.",
        "## Estimator parameters\n\n"
        + doc_of(params)
        + "\n\n### Spark-ML names\n\n"
        + table(["option", "applies to", "scikit-learn parameter", "transform"], _alias_rows())
        + "\n### Spark-ML value spellings\n\n"
        + table(["parameter", "Spark value", "scikit-learn value"], _value_rows())
        + f"\n### Accepted and ignored\n\nSpark-only parameters without an equivalent: {ignored}."
        + f"\n\nPrefixes handled elsewhere: {prefixes}.",
    )
