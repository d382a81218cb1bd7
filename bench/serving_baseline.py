"""Baseline (b) of bench/serving.py: FastAPI calling scikit-learn in-process, written by hand.

python bench/serving_baseline.py MODEL_DIR PORT   (loads MODEL_DIR/{lr,rf}.joblib)
"""

import sys
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import uvicorn
from fastapi import FastAPI, Request


def build(model_dir: Path) -> FastAPI:
    """The app: `POST /predict/{name}` with `{"instances": [[...]]}`."""
    app = FastAPI()
    models = {name: joblib.load(model_dir / f"{name}.joblib") for name in ("lr", "rf")}

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/predict/{name}")
    async def predict(name: str, request: Request) -> dict[str, Any]:
        body = await request.json()
        estimator = models[name]
        proba = estimator.predict_proba(np.asarray(body["instances"], dtype=np.float64))
        labels = estimator.classes_[proba.argmax(axis=1)]
        return {
            "predictions": [
                {"label": label.item(), "probabilities": p.tolist()}
                for label, p in zip(labels, proba, strict=True)
            ]
        }

    return app


if __name__ == "__main__":
    uvicorn.run(
        build(Path(sys.argv[1])), host="127.0.0.1", port=int(sys.argv[2]), log_level="warning"
    )
