/**
 * A counter array that starts as uint8 and widens only when a count needs it (uint16, then float32, exact
 * to 2²⁴), so a 60-atom × 10⁴-trial × 400-bin input takes 240 MB instead of twice or eight times that.
 */
export class CountArray {
  data: Uint8Array | Uint16Array | Float32Array;
  private limit: number;

  constructor(length: number) {
    this.data = new Uint8Array(length);
    this.limit = 255;
  }

  increment(index: number): void {
    const next = this.data[index] + 1;
    if (next > this.limit) this.widen();
    this.data[index] = next;
  }

  max(): number {
    let m = 0;
    const d = this.data;
    for (let i = 0; i < d.length; i++) if (d[i] > m) m = d[i];
    return m;
  }

  private widen(): void {
    if (this.data instanceof Uint8Array) {
      this.data = Uint16Array.from(this.data);
      this.limit = 65535;
    } else {
      this.data = Float32Array.from(this.data);
      this.limit = 2 ** 24;
    }
  }
}
