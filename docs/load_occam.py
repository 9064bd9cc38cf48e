"""Load an occam Dataset (NumPy arrays) and ReducedModel (JSON) with numpy and json only, predict, and plot a filter.

    npx occam demo --out out/demo        # fits data/neuron/v1-C2, writes out/demo/model.json
    python3 docs/load_occam.py data/neuron/v1-C2 out/demo/model.json [filter.png]

The dataset is a directory: manifest.json plus inputs/target/scored arrays saved as .npy (or .npy.gz, which is
the same bytes gzip-compressed). The model JSON holds every filter already sampled as a function, and the
coefficients that python/occam_numpy turns into per-bin predictions equal to occam's.
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
import occam_numpy  # noqa: E402  (the repository's python/ folder, added above)

load_array = occam_numpy.load_array


def load_dataset(directory):
    """(manifest, {"inputs", "target", "scored"}) — the shape this script has always returned."""
    ds = occam_numpy.load_dataset(directory)
    return ds.manifest, {"inputs": ds.inputs, "target": ds.target, "scored": ds.scored}


def main():
    dataset_dir, model_path = sys.argv[1], sys.argv[2]
    out_png = sys.argv[3] if len(sys.argv) > 3 else None
    manifest, arrays = load_dataset(dataset_dir)
    inputs, target, scored = arrays["inputs"], arrays["target"], arrays["scored"]
    assert inputs.shape == (len(manifest["atoms"]), manifest["nTrials"], manifest["nBins"]), inputs.shape
    assert target.shape == scored.shape == (manifest["nTrials"], manifest["nBins"])
    model = occam_numpy.load_model(model_path)
    unit = model["filters"]["binUnit"]
    test = model["metrics"]["test"]
    print(f"dataset: {inputs.shape[0]} atoms x {inputs.shape[1]} trials x {inputs.shape[2]} bins ({inputs.dtype}), "
          f"{int(target[scored == 1].sum())} events in {int(scored.sum())} scored bins")
    print(f"model: held-out AUROC {test['model']['auroc']:.3f} vs PSTH {test['psth']['auroc']:.3f}, "
          f"trial-to-trial AUROC {test['trialToTrialAuroc']['model']:.3f}")
    pred = occam_numpy.predict(model, occam_numpy.Dataset(manifest, inputs, target, scored))
    print(f"predicted: {len(pred.eta)} scored bins, mean predicted {pred.mean.mean():.4f} vs observed "
          f"{pred.target.mean():.4f} per bin (linear predictor {pred.eta.min():.2f} to {pred.eta.max():.2f})")
    for group in model["filters"]["groups"]:
        lag = np.array(group["temporal"]["x"])
        weight = np.array(group["temporal"]["y"])
        peak = lag[np.argmax(np.abs(weight))]
        print(f"  {group['label']}: temporal filter peaks {peak:g} {unit} before the predicted bin "
              f"(net weight {weight.sum():+.3f})")
    if out_png:
        try:
            import matplotlib
            matplotlib.use("Agg")
            import matplotlib.pyplot as plt
        except ImportError:
            print("matplotlib not installed: skipping the plot")
            return
        fig, ax = plt.subplots(figsize=(5, 3))
        for group in model["filters"]["groups"]:
            ax.plot(group["temporal"]["x"], group["temporal"]["y"], label=group["label"])
        ax.axhline(0, color="grey", lw=0.5)
        ax.set_xlabel(f"lag ({unit})")
        ax.set_ylabel("weight")
        ax.legend()
        fig.tight_layout()
        fig.savefig(out_png)
        print(f"wrote {out_png}")


if __name__ == "__main__":
    main()
