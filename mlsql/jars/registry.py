"""The registry of JVM jars: every artifact the product takes from Maven Central, in one table.

A jar set is a folder of `jars_dir` (config key `jars_dir`, environment `MLSQL_JARS_DIR`, default
`~/.cache/mlsql/jars`, or `.cache/jars` in a checkout) with one job: `broker` is the embedded Kafka
broker's class path, `spark` goes to `spark.jars` (Config.spark_jars), `s3` is the optional s3a
connector, `tools` holds the ANTLR tool. The list of a set is its whole dependency closure, pinned
(there is no resolver at run time: the fetcher downloads exactly these files). The `sha1` pins a
file; the fetcher also checks the `.sha1` Maven Central publishes beside it.

Adding jars is one call in this module (keep them here: `python -m mlsql.jars`, `mlsql setup`
and the reference read this module only), e.g.::

    register_artifacts("spark", Artifact("org.example", "driver", "1.2.3", "<sha1>"))

or a set of its own with `register_jar_set(name, purpose, essential=False)` and a
`Config._jar_folder(name)` call where the jars are needed.

To list a closure, put the root in a throw-away pom and run
`mvn dependency:list -DincludeScope=runtime`, excluding what PySpark already ships
(`pyspark/jars`: Hadoop client, Scala, slf4j, lz4, snappy).
"""

from __future__ import annotations

from dataclasses import dataclass, field

DEFAULT_REPOSITORY = "https://repo1.maven.org/maven2"


@dataclass(frozen=True, slots=True)
class Artifact:
    """One jar of Maven Central: `group:name:version[:classifier]`, optionally pinned by SHA-1."""

    group: str
    name: str
    version: str
    sha1: str = ""
    classifier: str = ""

    @property
    def file_name(self) -> str:
        """The jar's file name (as Maven writes it): `name-version[-classifier].jar`."""
        suffix = f"-{self.classifier}" if self.classifier else ""
        return f"{self.name}-{self.version}{suffix}.jar"

    def url(self, repository: str = DEFAULT_REPOSITORY) -> str:
        """The jar's address in a Maven repository laid out like Maven Central."""
        path = "/".join([*self.group.split("."), self.name, self.version, self.file_name])
        return f"{repository.rstrip('/')}/{path}"

    def __str__(self) -> str:
        parts = [self.group, self.name, self.version]
        return ":".join([*parts, self.classifier] if self.classifier else parts)


@dataclass(slots=True)
class JarSet:
    """A folder of jars with one purpose; fetched on first use when `on_demand`; `mlsql setup`
    fetches (and `mlsql setup --check` requires) the `essential` ones, others on request."""

    name: str
    purpose: str
    on_demand: bool = True
    artifacts: list[Artifact] = field(default_factory=list)
    essential: bool = True


JAR_SETS: dict[str, JarSet] = {}


def register_jar_set(
    name: str, purpose: str, *, on_demand: bool = True, essential: bool = True
) -> JarSet:
    """Declare a jar set (a folder of `jars_dir`); returns the existing one when already declared.

    Args:
        name: the set's folder under `jars_dir`.
        purpose: what the jars are for (progress lines, `mlsql setup --check`, the reference).
        on_demand: fetched on first use (else only by `mlsql setup --set <name>`).
        essential: fetched by a plain `mlsql setup` and required by `--check`.
    """
    return JAR_SETS.setdefault(name, JarSet(name, purpose, on_demand, essential=essential))


def register_artifacts(set_name: str, *artifacts: Artifact) -> None:
    """Add artifacts to a declared set (an artifact already listed is not added twice)."""
    jar_set = JAR_SETS[set_name]
    for artifact in artifacts:
        if artifact not in jar_set.artifacts:
            jar_set.artifacts.append(artifact)


# fmt: off
# The Apache Kafka 4.x broker (KRaft) and its log4j2 logging backend (mlsql/kafka/broker_process.py).
register_jar_set("broker", "the embedded Kafka broker")
register_artifacts(
    "broker",
    Artifact("com.dynatrace.hash4j", "hash4j", "0.22.0", "2d61bfb5b38469cb76141b06dc68d36a9007e9ad"),
    Artifact("com.fasterxml.jackson.core", "jackson-annotations", "2.19.0", "fd1e7c56de1e5b658563c8c66d5074cceb4e3a0b"),
    Artifact("com.fasterxml.jackson.core", "jackson-core", "2.19.0", "a90640e59ea42632a8e331ff1d6b706cf306050a"),
    Artifact("com.fasterxml.jackson.core", "jackson-databind", "2.19.0", "b3f7506f6414fb04760561eec11a0880165c2a4a"),
    Artifact("com.fasterxml.jackson.dataformat", "jackson-dataformat-csv", "2.19.0", "b7275a6795c70304e8b399db31b11ac72d6bc954"),
    Artifact("com.fasterxml.jackson.dataformat", "jackson-dataformat-yaml", "2.19.0", "2d735ab4ecebf5c2bf248d4036fd4ba6d73d0cc1"),
    Artifact("com.fasterxml.jackson.datatype", "jackson-datatype-jdk8", "2.19.0", "69312135ff6d6646203b9681fa48505f369210a6"),
    Artifact("com.github.ben-manes.caffeine", "caffeine", "3.2.0", "35eba09997476a39492ac7f7b2bb0e8292c09d17"),
    Artifact("com.github.luben", "zstd-jni", "1.5.6-10", "7e146ecb598af55d1f64d1c118af27569a848558"),
    Artifact("com.google.re2j", "re2j", "1.8", "12c25e923e9e4fb1575a7640a2698745c6f19a94"),
    Artifact("com.typesafe.scala-logging", "scala-logging_2.13", "3.9.5", "d5a0f61168371d8cff1c510f55407aa46bea8366"),
    Artifact("com.yammer.metrics", "metrics-core", "2.2.0", "f82c035cfa786d3cbec362c38c22a5f5b1bc8724"),
    Artifact("commons-beanutils", "commons-beanutils", "1.9.4", "d52b9abcd97f38c81342bb7e7ae1eee9b73cba51"),
    Artifact("commons-collections", "commons-collections", "3.2.2", "8ad72fe39fa8c91eaaf12aadb21e0c3661fe26d5"),
    Artifact("commons-digester", "commons-digester", "2.1", "73a8001e7a54a255eef0f03521ec1805dc738ca0"),
    Artifact("commons-logging", "commons-logging", "1.3.2", "3dc966156ef19d23c839715165435e582fafa753"),
    Artifact("commons-validator", "commons-validator", "1.9.0", "26e49d333890ccad072eb530a85fceb9c07818df"),
    Artifact("net.sf.jopt-simple", "jopt-simple", "5.0.4", "4fdac2fbe92dfad86aa6e9301736f6b4342a3f5c"),
    Artifact("net.sourceforge.argparse4j", "argparse4j", "0.7.0", "6f0621d0c3888de39e0f06d01f37ba53a798e657"),
    Artifact("org.apache.kafka", "kafka-clients", "4.1.1", "094cb8f39c3157038ec9577634d310a2bf5fb516"),
    Artifact("org.apache.kafka", "kafka-coordinator-common", "4.1.1", "a404eaac7fc653d63453005ab003bf308599f87d"),
    Artifact("org.apache.kafka", "kafka-group-coordinator-api", "4.1.1", "40b61cb614687a50188f3c5fa7cf65dbcd059221"),
    Artifact("org.apache.kafka", "kafka-group-coordinator", "4.1.1", "5d0e09fc27c29c7186fe94116712a09d00f29979"),
    Artifact("org.apache.kafka", "kafka-metadata", "4.1.1", "a11c8a6e27aa783ec3e8b4b7f5c318281fa494a8"),
    Artifact("org.apache.kafka", "kafka-raft", "4.1.1", "b5bae33d2adf96738119e40f76c283d24cc58361"),
    Artifact("org.apache.kafka", "kafka-server-common", "4.1.1", "1bf567866482bd9d7a8ad3eb73b3ffbab51a6b5b"),
    Artifact("org.apache.kafka", "kafka-server", "4.1.1", "947c8b919656c51c431bae9cd9196f8d0911c5b6"),
    Artifact("org.apache.kafka", "kafka-share-coordinator", "4.1.1", "eed38c6dba008d378cfa24f8d9212ece225a56bd"),
    Artifact("org.apache.kafka", "kafka-storage-api", "4.1.1", "b571e6253b711ad633174a283232e5f26b107718"),
    Artifact("org.apache.kafka", "kafka-storage", "4.1.1", "9419c2775056356d815db7681dda97e2670e8dd7"),
    Artifact("org.apache.kafka", "kafka-tools-api", "4.1.1", "e9dd9701e3d13cfd6c6b84ce7bfd11769641e937"),
    Artifact("org.apache.kafka", "kafka-transaction-coordinator", "4.1.1", "d0f94fcfb53a7574262750ebf465b484d0841859"),
    Artifact("org.apache.kafka", "kafka_2.13", "4.1.1", "3183b1bb5d0209dce5634cf56e8893cf42b17467"),
    Artifact("org.apache.logging.log4j", "log4j-api", "2.26.1", "b9864ed8d0c01f65f3b0bf70f1447e5cc1b49c24"),
    Artifact("org.apache.logging.log4j", "log4j-core", "2.26.1", "1941359537713285d224714f63ca4e5cf004d575"),
    Artifact("org.apache.logging.log4j", "log4j-slf4j2-impl", "2.26.1", "12d67a8f362bda35a1b1a5f0b5cd595c16b2d488"),
    Artifact("org.bitbucket.b_c", "jose4j", "0.9.6", "357a3836bb5da16f314f3a1e954518e5468cd915"),
    Artifact("org.hdrhistogram", "HdrHistogram", "2.2.2", "7959933ebcc0f05b2eaa5af0a0c8689fa257b15c"),
    Artifact("org.jspecify", "jspecify", "1.0.0", "7425a601c1c7ec76645a78d22b8c6a627edee507"),
    Artifact("org.lz4", "lz4-java", "1.8.0", "4b986a99445e49ea5fbf5d149c4b63f6ed6c6780"),
    Artifact("org.pcollections", "pcollections", "4.0.2", "c8398b4443deae11e6eaffbc04a371b4eb8f6b8e"),
    Artifact("org.scala-lang", "scala-library", "2.13.16", "9e064d9304904fd7b6bd2b55a9e601b8c1c9006e"),
    Artifact("org.scala-lang", "scala-reflect", "2.13.16", "4958d4e43faf2d6d66f18ce2aa9a3e5ba141f87b"),
    Artifact("org.slf4j", "slf4j-api", "2.0.17", "d9e58ac9c7779ba3bf8142aff6c830617a7fe60f"),
    Artifact("org.xerial.snappy", "snappy-java", "1.1.10.7", "3049f95640f4625a945cfab85715f603fa4c8f80"),
    Artifact("org.yaml", "snakeyaml", "2.4", "e0666b825b796f85521f02360e77f4c92c5a7a07"),
)

# spark.jars: the Kafka connector matching the pinned PySpark exactly (without what PySpark ships),
# and the PostgreSQL and MariaDB/MySQL JDBC drivers. mlsql-functions.jar is built beside them
# from mlsql/engine/functions/java (mlsql/jars/functions.py).
register_jar_set("spark", "Spark's Kafka connector and JDBC drivers (spark.jars)")
register_artifacts(
    "spark",
    Artifact("org.apache.commons", "commons-pool2", "2.13.1", "cf7e8c0242d4c483c42c083b8188ab360ab60f9a"),
    Artifact("org.apache.kafka", "kafka-clients", "3.9.2", "a06edbaa01458ed2e8cf1be69a18c2f231fda6e0"),
    Artifact("org.apache.spark", "spark-sql-kafka-0-10_2.13", "4.2.0", "98f199d5da59b1e152dae941cc5037a6495464ad"),
    Artifact("org.apache.spark", "spark-token-provider-kafka-0-10_2.13", "4.2.0", "807ceb26e2fa509259e74a202d5f2d790446f515"),
    Artifact("org.checkerframework", "checker-qual", "3.55.1", "3d40699936a66b2d4c1f759f2f1a0446c8cf64fc"),
    Artifact("org.mariadb.jdbc", "mariadb-java-client", "3.5.6", "8ed7a307cfdb58c7d08983440411e178730cab04"),
    Artifact("org.postgresql", "postgresql", "42.7.14", "0e7c94ce80cb1dd9875ff44ffe6a40a8aaa3eefd"),
)

# The s3a connector (hadoop-aws matching the Hadoop client PySpark ships, 3.5.0, and its AWS SDK
# bundle, about 690 MB): fetched, and added to spark.jars, only when [spark.conf] sets
# spark.hadoop.fs.s3a.* keys (mlsql.models.fs.uses_s3).
register_jar_set("s3", "Spark's s3a connector (spark.jars when S3 is configured)", essential=False)
register_artifacts(
    "s3",
    Artifact("org.apache.hadoop", "hadoop-aws", "3.5.0", "9e594525d264c0db653c7f68da98b245f7d61ea5"),
    Artifact("software.amazon.awssdk", "bundle", "2.35.4", "7252265e3970b214708e68a8b74a8fa8c875af1e"),
    Artifact("software.amazon.s3.analyticsaccelerator", "analyticsaccelerator-s3", "1.3.1", "6c9bd0f6c440c9a78e82d272f5f0252d942419f6"),
    Artifact("org.wildfly.openssl", "wildfly-openssl", "2.2.5.Final", "78a86a04b5ddbfb75d6f3a2812cc724cde4a26f1"),
)

# The ANTLR tool that regenerates mlsql/parser/generated (`make regenerate`); only on request.
register_jar_set("tools", "the ANTLR tool (make regenerate)", on_demand=False, essential=False)
register_artifacts(
    "tools",
    Artifact("org.antlr", "antlr4", "4.13.2", "7df86c341abb175a0f4b76a7845074cc45f82ff8", classifier="complete"),
)
# fmt: on
