"""A ReducedModel JSON file (`occam.reduced-model`, version 1): the fitted spec, layout and coefficients."""
import json

from .errors import OccamFormatError


def load_model(path):
    """Read a ReducedModel as a plain dict; the fields predict() needs are checked here."""
    try:
        with open(path, encoding="utf-8") as f:
            model = json.load(f)
    except FileNotFoundError:
        raise OccamFormatError(f"{path}: not found — expected a model JSON written by `occam fit`") from None
    except json.JSONDecodeError as e:
        raise OccamFormatError(f"{path}: line {e.lineno}: not JSON ({e.msg})") from None
    if model.get("format") != "occam.reduced-model" or model.get("version") != 1:
        raise OccamFormatError(
            f"{path}: format {model.get('format')!r} version {model.get('version')!r}, expected 'occam.reduced-model' version 1"
        )
    for field in ("spec", "layout", "coefficients", "nonlinearity"):
        if not isinstance(model.get(field), dict):
            raise OccamFormatError(f"{path}: field '{field}' is missing or not an object")
    return model
