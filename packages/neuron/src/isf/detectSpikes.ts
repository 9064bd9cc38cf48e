/** A sampled voltage trace: times in ms, membrane potential in mV. */
export interface VoltageTrace {
  t: ArrayLike<number>;
  v: ArrayLike<number>;
}

/**
 * Spike times as upward crossings of `thresholdMv` (default 0 mV): a crossing lies between samples i and
 * i + 1 when v[i] < threshold ≤ v[i + 1]; its time is interpolated linearly between the two samples.
 * A trace that starts above threshold does not count as a spike at its first sample.
 */
export function detectSpikes(trace: VoltageTrace, thresholdMv = 0): number[] {
  const detector = new UpwardCrossingDetector(thresholdMv);
  const n = Math.min(trace.t.length, trace.v.length);
  for (let i = 0; i < n; i++) detector.push(trace.t[i], trace.v[i]);
  return detector.spikes;
}

/** The same detection one sample at a time, for traces streamed from a file too large to hold. */
export class UpwardCrossingDetector {
  readonly spikes: number[] = [];
  private lastT = Number.NaN;
  private lastV = Number.NaN;

  constructor(readonly thresholdMv = 0) {}

  push(t: number, v: number): void {
    const th = this.thresholdMv;
    if (this.lastV < th && v >= th) {
      const dv = v - this.lastV;
      this.spikes.push(this.lastT + ((th - this.lastV) / dv) * (t - this.lastT));
    }
    this.lastT = t;
    this.lastV = v;
  }
}
