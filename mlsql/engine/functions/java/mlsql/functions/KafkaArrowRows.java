package mlsql.functions;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.sql.classic.Dataset;
import org.apache.spark.sql.classic.SparkSession;
import org.apache.spark.sql.execution.arrow.ArrowWriter;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.ArrowUtils;
import org.apache.spark.unsafe.types.UTF8String;
import org.apache.spark.util.LongAccumulator;
import org.apache.spark.util.TaskCompletionListener;

/**
 * The Kafka rows of a table, encoded in the executor JVM: the training path's writer without a
 * Python worker (mlsql/kafka/sink.py makes the same rows in Python under mapInArrow).
 *
 * <p>Per Spark partition: Arrow IPC streams (schema + one record batch, about {@code
 * targetBytes}, never over {@code limitBytes}) as rows {@code (value, headers, partition)} with
 * headers k=d, p=partition, a=task attempt id, Kafka partition = Spark partition % Kafka
 * partitions; then one end-marker row (k=e) whose value is {"rows": r, "messages": m, "bytes":
 * b}. The caller writes them with Spark's Kafka sink; mlsql/kafka/reader.py decodes them.
 * Called from mlsql/engine/training/datapath.py through py4j.
 */
public final class KafkaArrowRows implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The rows' schema: what Spark's Kafka sink reads. */
  public static final StructType SCHEMA =
      new StructType()
          .add("value", DataTypes.BinaryType)
          .add(
              "headers",
              DataTypes.createArrayType(
                  new StructType()
                      .add("key", DataTypes.StringType)
                      .add("value", DataTypes.BinaryType)))
          .add("partition", DataTypes.IntegerType);

  private final org.apache.spark.sql.Dataset<Row> rows;
  private final LongAccumulator counter;
  private final int partitions;

  private KafkaArrowRows(
      org.apache.spark.sql.Dataset<Row> rows, LongAccumulator counter, int partitions) {
    this.rows = rows;
    this.counter = counter;
    this.partitions = partitions;
  }

  /**
   * The Kafka rows of {@code table} (lazy: nothing runs until they are written).
   *
   * @throws UnsupportedOperationException a column type Arrow cannot carry (checked here, on
   *     the driver, before any job).
   */
  public static KafkaArrowRows of(
      org.apache.spark.sql.Dataset<Row> table, int kafkaPartitions, int targetBytes,
      int limitBytes) {
    Dataset<Row> ds = (Dataset<Row>) table;
    SparkSession session = ds.sparkSession();
    SQLConf conf = session.sessionState().conf();
    StructType schema = ds.schema();
    String zone = conf.sessionLocalTimeZone();
    boolean large = conf.arrowUseLargeVarTypes();
    ArrowUtils.toArrowSchema(schema, zone, true, large);
    LongAccumulator counter = session.sparkContext().longAccumulator("mlsql.kafka.rows");
    Encode encode =
        new Encode(schema, zone, large, kafkaPartitions, targetBytes, limitBytes, counter);
    JavaRDD<InternalRow> input = ds.queryExecution().toRdd().toJavaRDD();
    JavaRDD<InternalRow> out = input.mapPartitionsWithIndex(encode, false);
    return new KafkaArrowRows(
        session.internalCreateDataFrame(out.rdd(), SCHEMA, false), counter,
        input.getNumPartitions());
  }

  /** The rows to write with {@code format("kafka")}. */
  public org.apache.spark.sql.Dataset<Row> rows() {
    return rows;
  }

  /** Rows sent by the successful tasks (read after the write). */
  public long rowCount() {
    return counter.value();
  }

  /** Spark partitions written: the end markers a reader waits for. */
  public int partitions() {
    return partitions;
  }

  /** The task function: one partition's rows to its messages. */
  static final class Encode
      implements Function2<Integer, Iterator<InternalRow>, Iterator<InternalRow>> {
    private static final long serialVersionUID = 1L;
    final StructType schema;
    final String zone;
    final boolean large;
    final int kafkaPartitions;
    final int targetBytes;
    final int limitBytes;
    final LongAccumulator counter;

    Encode(StructType schema, String zone, boolean large, int kafkaPartitions, int targetBytes,
        int limitBytes, LongAccumulator counter) {
      this.schema = schema;
      this.zone = zone;
      this.large = large;
      this.kafkaPartitions = kafkaPartitions;
      this.targetBytes = targetBytes;
      this.limitBytes = limitBytes;
      this.counter = counter;
    }

    @Override
    public Iterator<InternalRow> call(Integer index, Iterator<InternalRow> input) {
      return new Messages(this, index, input);
    }
  }

  /** The messages of one partition, encoded lazily as the sink asks for them. */
  static final class Messages implements Iterator<InternalRow> {
    private final Encode spec;
    private final Iterator<InternalRow> input;
    private final int target;
    private final byte[] part;
    private final byte[] attempt;
    private final ArrayDeque<byte[]> ready = new ArrayDeque<>();
    private final BufferAllocator allocator;
    private final VectorSchemaRoot root;
    private final ArrowWriter writer;
    private final int fallbackRowBytes;
    private double arrowPerEstimated = 1.0;
    private int sizeHint = 64 * 1024;
    private long rows;
    private long messages;
    private long bytes;
    private boolean markerSent;
    private boolean closed;

    Messages(Encode spec, int index, Iterator<InternalRow> input) {
      this.spec = spec;
      this.input = input;
      this.target = index % Math.max(1, spec.kafkaPartitions);
      this.part = Integer.toString(index).getBytes(StandardCharsets.UTF_8);
      TaskContext context = TaskContext.get();
      long id = context == null ? 0 : context.taskAttemptId();
      this.attempt = Long.toString(id).getBytes(StandardCharsets.UTF_8);
      Schema arrow = ArrowUtils.toArrowSchema(spec.schema, spec.zone, true, spec.large);
      this.allocator =
          ArrowUtils.rootAllocator().newChildAllocator("mlsql-kafka-" + index, 0, Long.MAX_VALUE);
      this.root = VectorSchemaRoot.create(arrow, allocator);
      this.writer = ArrowWriter.create(root);
      this.fallbackRowBytes = 8 * Math.max(1, spec.schema.size());
      if (context != null) {
        context.addTaskCompletionListener((TaskCompletionListener) c -> close());
      }
    }

    @Override
    public boolean hasNext() {
      if (ready.isEmpty() && !markerSent) {
        fill();
      }
      return !ready.isEmpty() || !markerSent;
    }

    @Override
    public InternalRow next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      if (!ready.isEmpty()) {
        byte[] payload = ready.poll();
        return row(payload, "d".getBytes(StandardCharsets.UTF_8));
      }
      markerSent = true;
      close();
      spec.counter.add(rows);
      String marker =
          "{\"rows\": " + rows + ", \"messages\": " + messages + ", \"bytes\": " + bytes + "}";
      return row(marker.getBytes(StandardCharsets.UTF_8), "e".getBytes(StandardCharsets.UTF_8));
    }

    /** Encode input rows until a payload is ready or the input ends. */
    private void fill() {
      long estimated = 0;
      int count = 0;
      while (input.hasNext()) {
        InternalRow row = input.next();
        writer.write(row);
        count++;
        estimated += row instanceof UnsafeRow ? ((UnsafeRow) row).getSizeInBytes()
            : fallbackRowBytes;
        if (estimated * arrowPerEstimated >= target()) {
          break;
        }
      }
      if (count == 0) {
        return;
      }
      writer.finish();
      long before = bytes;
      emit(root, count);
      arrowPerEstimated = Math.max(0.05, (double) (bytes - before) / Math.max(1, estimated));
      rows += count;
      writer.reset();
    }

    private int target() {
      return Math.min(spec.targetBytes, spec.limitBytes);
    }

    /** Queue {@code batch} as one payload, halved by rows while it is over the limit. */
    private void emit(VectorSchemaRoot batch, int count) {
      byte[] payload = stream(batch);
      if (payload.length <= spec.limitBytes) {
        ready.add(payload);
        sizeHint = Math.max(64 * 1024, payload.length + payload.length / 8);
        messages++;
        bytes += payload.length;
        return;
      }
      if (count <= 1) {
        throw new IllegalArgumentException(
            "one row takes " + payload.length + " bytes, over the Kafka message limit of "
                + spec.limitBytes + "; raise kafka.message_max_bytes");
      }
      int half = count / 2;
      try (VectorSchemaRoot first = batch.slice(0, half)) {
        emit(first, half);
      }
      try (VectorSchemaRoot second = batch.slice(half, count - half)) {
        emit(second, count - half);
      }
    }

    /** One IPC stream: the schema, the batch, the end-of-stream marker. */
    private byte[] stream(VectorSchemaRoot batch) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(sizeHint);
      try (ArrowStreamWriter stream = new ArrowStreamWriter(batch, null, Channels.newChannel(out))) {
        stream.start();
        stream.writeBatch();
        stream.end();
      } catch (IOException err) {
        throw new UncheckedIOException(err);
      }
      return out.toByteArray();
    }

    private InternalRow row(byte[] value, byte[] kind) {
      GenericArrayData headers =
          new GenericArrayData(
              new Object[] {header("k", kind), header("p", part), header("a", attempt)});
      return new GenericInternalRow(new Object[] {value, headers, target});
    }

    private static InternalRow header(String key, byte[] value) {
      return new GenericInternalRow(new Object[] {UTF8String.fromString(key), value});
    }

    private void close() {
      if (!closed) {
        closed = true;
        root.close();
        allocator.close();
      }
    }
  }
}
