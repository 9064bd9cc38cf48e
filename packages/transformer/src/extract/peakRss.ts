/** The highest resident set size seen across samples (process.memoryUsage().rss, bytes). */
export class PeakRss {
  peak = 0;
  constructor() {
    this.sample();
  }
  sample(): number {
    const rss = process.memoryUsage().rss;
    if (rss > this.peak) this.peak = rss;
    return rss;
  }
}
