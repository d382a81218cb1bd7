package mlsql.functions;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.api.java.UDF2;
import scala.Tuple2;
import scala.collection.Iterator;

/**
 * MLSQL/Byzer's vector functions (vec_dense, vec_sparse, vec_array, vec_concat, vec_argmax,
 * vec_mk_string) as Spark Java UDFs: they run inside the executor JVM, with no Python worker.
 * Each accepts a Spark ML vector or an array of numbers where Byzer accepts a vector.
 * Registered per Spark session by mlsql/engine/functions/vectors.py.
 */
public final class VectorFunctions {
  private VectorFunctions() {}

  /** The values of a vector or a numeric array (null stays null; a null element is NaN). */
  static double[] values(Object input) {
    if (input == null) {
      return null;
    }
    if (input instanceof Vector) {
      return ((Vector) input).toArray();
    }
    if (input instanceof scala.collection.Seq) {
      scala.collection.Seq<?> seq = (scala.collection.Seq<?>) input;
      double[] out = new double[seq.length()];
      for (int i = 0; i < out.length; i++) {
        Object x = seq.apply(i);
        out[i] = x == null ? Double.NaN : ((Number) x).doubleValue();
      }
      return out;
    }
    if (input instanceof double[]) {
      return (double[]) input;
    }
    throw new IllegalArgumentException(
        "expected a vector or an array of numbers, got " + input.getClass().getName());
  }

  /** A vector of a vector or a numeric array (vectors are returned as they are). */
  static Vector vector(Object input) {
    if (input instanceof Vector) {
      return (Vector) input;
    }
    double[] v = values(input);
    return v == null ? null : Vectors.dense(v);
  }

  /** vec_dense(array or vector) -> dense vector. */
  public static final class VecDense implements UDF1<Object, Vector> {
    @Override
    public Vector call(Object input) {
      double[] v = values(input);
      return v == null ? null : Vectors.dense(v);
    }
  }

  /** vec_array(vector or array) -> array<double>. */
  public static final class VecArray implements UDF1<Object, double[]> {
    @Override
    public double[] call(Object input) {
      return values(input);
    }
  }

  /** vec_argmax(vector or array) -> int: index of the largest value (-1 when empty). */
  public static final class VecArgmax implements UDF1<Object, Integer> {
    @Override
    public Integer call(Object input) {
      if (input == null) {
        return null;
      }
      if (input instanceof Vector) {
        return ((Vector) input).argmax();
      }
      return Vectors.dense(values(input)).argmax();
    }
  }

  /** vec_mk_string(splitter, vector or array) -> string of the values joined by splitter. */
  public static final class VecMkString implements UDF2<String, Object, String> {
    @Override
    public String call(String splitter, Object input) {
      double[] v = values(input);
      if (v == null) {
        return null;
      }
      StringBuilder out = new StringBuilder();
      for (int i = 0; i < v.length; i++) {
        if (i > 0) {
          out.append(splitter);
        }
        out.append(v[i]);
      }
      return out.toString();
    }
  }

  /** vec_sparse(size, map<int, double>) -> sparse vector. */
  public static final class VecSparse implements UDF2<Number, scala.collection.Map<?, ?>, Vector> {
    @Override
    public Vector call(Number size, scala.collection.Map<?, ?> entries) {
      if (size == null || entries == null) {
        return null;
      }
      List<Tuple2<Integer, Double>> pairs = new ArrayList<>();
      Iterator<? extends Tuple2<?, ?>> it = entries.iterator();
      while (it.hasNext()) {
        Tuple2<?, ?> kv = it.next();
        pairs.add(new Tuple2<>(((Number) kv._1()).intValue(), ((Number) kv._2()).doubleValue()));
      }
      pairs.sort((a, b) -> Integer.compare(a._1(), b._1()));
      int[] indices = new int[pairs.size()];
      double[] values = new double[pairs.size()];
      for (int i = 0; i < indices.length; i++) {
        indices[i] = pairs.get(i)._1();
        values[i] = pairs.get(i)._2();
      }
      return Vectors.sparse(size.intValue(), indices, values);
    }
  }

  /** vec_concat(array of vectors) -> one vector (Byzer's assemble: sparse, then compressed). */
  public static final class VecConcat implements UDF1<scala.collection.Seq<?>, Vector> {
    @Override
    public Vector call(scala.collection.Seq<?> parts) {
      if (parts == null) {
        return null;
      }
      List<Integer> indices = new ArrayList<>();
      List<Double> values = new ArrayList<>();
      int cur = 0;
      for (int p = 0; p < parts.length(); p++) {
        Object part = parts.apply(p);
        if (part == null) {
          throw new IllegalArgumentException("vec_concat: values to assemble cannot be null");
        }
        double[] v = values(part);
        for (int i = 0; i < v.length; i++) {
          if (v[i] != 0.0) {
            indices.add(cur + i);
            values.add(v[i]);
          }
        }
        cur += v.length;
      }
      int[] idx = indices.stream().mapToInt(Integer::intValue).toArray();
      double[] val = values.stream().mapToDouble(Double::doubleValue).toArray();
      return Vectors.sparse(cur, idx, val).compressed();
    }
  }

  /** A fitted standard scaler as a function: (v - mean) / std on a vector or an array. */
  public static final class VectorScaler implements UDF1<Object, Vector> {
    private final double[] mean;
    private final double[] std;
    private final boolean withMean;
    private final boolean withStd;

    public VectorScaler(double[] mean, double[] std, boolean withMean, boolean withStd) {
      this.mean = mean;
      this.std = std;
      this.withMean = withMean;
      this.withStd = withStd;
    }

    @Override
    public Vector call(Object input) {
      double[] v = values(input);
      if (v == null) {
        return null;
      }
      double[] out = v.clone();
      for (int i = 0; i < out.length; i++) {
        if (withMean) {
          out[i] -= mean[i];
        }
        if (withStd) {
          out[i] = std[i] == 0.0 ? 0.0 : out[i] / std[i];
        }
      }
      return Vectors.dense(out);
    }
  }
}
