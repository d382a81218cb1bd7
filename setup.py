"""Maps the top-level folders workers/ and server/ to mlsql.workers and mlsql.server.

The mission fixes the source layout (mlsql/, workers/, server/ side by side) and forbids bare
top-level `workers` or `server` packages in site-packages; everything else is in pyproject.toml.
"""

from setuptools import find_packages, setup

MAPPED = {"workers": "mlsql.workers", "server": "mlsql.server"}

packages = find_packages(include=["mlsql", "mlsql.*"])
package_dir = {"mlsql": "mlsql"}
for folder, name in MAPPED.items():
    package_dir[name] = folder
    packages.append(name)
    for sub in find_packages(where=folder):
        packages.append(f"{name}.{sub}")
        package_dir[f"{name}.{sub}"] = f"{folder}/{sub.replace('.', '/')}"

# conf/ (mlsql.toml, the Kafka and Spark logging templates) ships as the package data of
# mlsql.conf, so a non-editable install finds it (mlsql/config.py::conf_file). The JVM jars are
# listed in mlsql/jars/registry.py.
CONF = {"mlsql.conf": "conf", "mlsql.conf.kafka": "conf/kafka"}
packages.extend(CONF)
package_dir.update(CONF)

setup(packages=packages, package_dir=package_dir)
