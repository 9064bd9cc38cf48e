"""python3 -m occam_numpy DATASET MODEL [--rows scored|all] [--exact] [--json OUT|-]: predict and summarise."""
import argparse
import json
import sys

from . import OccamFormatError, load_dataset, load_model, predict


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python3 -m occam_numpy", description="Predict an occam ReducedModel on a Dataset with NumPy.")
    parser.add_argument("dataset", help="Dataset directory (manifest.json + .npy/.npy.gz arrays)")
    parser.add_argument("model", help="ReducedModel JSON written by `occam fit`")
    parser.add_argument("--rows", choices=("scored", "all"), default="scored", help="which bins to predict (default: scored)")
    parser.add_argument("--exact", action="store_true", help="keep the design in float64 (occam rounds it to float32)")
    parser.add_argument("--json", metavar="OUT", help="write trial, bin, eta, mean, lookup, target as JSON (- for stdout)")
    args = parser.parse_args(argv)
    try:
        model = load_model(args.model)
        pred = predict(model, load_dataset(args.dataset), rows=args.rows, exact=args.exact)
    except OccamFormatError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except (KeyError, TypeError, IndexError) as e:
        # A field missing or of the wrong kind: these files are meant to be written by occam, not by hand.
        print(f"error: {args.dataset} / {args.model}: unexpected content ({type(e).__name__}: {e}) — "
              "expected a dataset and a model written by occam (occam fit, occam lm extract, occam neuron …)", file=sys.stderr)
        return 2
    if args.json:
        out = {
            "trial": pred.trial.tolist(),
            "bin": pred.bin.tolist(),
            "eta": pred.eta.tolist(),
            "mean": pred.mean.tolist(),
            "lookup": None if pred.lookup is None else pred.lookup.tolist(),
            "target": pred.target.tolist(),
        }
        if args.json == "-":
            json.dump(out, sys.stdout)
        else:
            with open(args.json, "w", encoding="utf-8") as f:
                json.dump(out, f)
        return 0
    family = model["spec"].get("family", "bernoulli")
    print(f"{len(pred.eta)} {args.rows} bins, family {family}: mean prediction {pred.mean.mean():.4f}, "
          f"mean target {pred.target.mean():.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
