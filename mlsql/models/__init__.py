"""Models: algorithms, featurisation, the model store, the one loader and the per-process cache.

The road of a model through this package:

``algorithms`` (registry by name, Spark-ML parameter aliases) → a trainer fits on data from a
*batch source* (one call = one pass over the training data) → ``store`` seals the model folder
(``mlsql-model.json`` + a safe model file + a checksum marker) and publishes it atomically as
``<path>/_model_<N>/`` → ``loader.load_model`` turns any version into a ``PredictModel`` whose
``predict(pandas.DataFrame)`` is what the training evaluation, the Spark UDF and the serving
worker all call → ``cache`` keeps loaded models per Python process.

Heavy libraries (scikit-learn, TensorFlow) are imported inside the functions that need them, so
importing this package and the algorithm registry stays fast.
"""
