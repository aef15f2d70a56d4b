/** 1234567 → "1.2 MB" (powers of 1000, as download sizes are usually quoted). */
export function formatBytes(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1000 && i < units.length - 1) {
    n /= 1000;
    i++;
  }
  return i === 0 ? `${Math.round(n)} B` : `${n.toFixed(1)} ${units[i]}`;
}

/**
 * A progress bar on stderr, so stdout stays clean for data. On a terminal it redraws in place;
 * elsewhere (CI logs, pipes) it prints a line at most every few seconds. With the unit 'bytes'
 * amounts and the rate read as sizes (12.3 MB/s).
 */
export class ProgressBar {
  private readonly started = performance.now();
  private lastPrinted = 0;
  private done = 0;

  constructor(
    private readonly total: number,
    private readonly label: string,
    private readonly unit = 'items',
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  tick(count = 1, extra = ''): void {
    this.done += count;
    const now = performance.now();
    const finished = this.done >= this.total;
    const interval = this.stream.isTTY ? 100 : 5000;
    if (!finished && now - this.lastPrinted < interval) return;
    this.lastPrinted = now;
    const seconds = (now - this.started) / 1000;
    const rate = this.done / Math.max(seconds, 1e-9);
    const eta = rate > 0 ? (this.total - this.done) / rate : 0;
    const fraction = this.total ? this.done / this.total : 1;
    const width = 24;
    const filled = Math.round(fraction * width);
    const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
    // Before the first second a rate (and the ETA from it) would be noise.
    const bytes = this.unit === 'bytes';
    const speed = bytes ? `${formatBytes(rate)}/s` : `${rate.toFixed(1)}/s`;
    const pace = seconds < 1 && !finished ? '' : `${speed} ${finished ? `${seconds.toFixed(1)}s` : `ETA ${eta.toFixed(0)}s`}`;
    const amounts = bytes ? `${formatBytes(this.done)}/${formatBytes(this.total)}` : `${this.done}/${this.total} ${this.unit}`;
    const line = `${this.label} ${bar} ${amounts} ${pace}${extra ? ' ' + extra : ''}`;
    if (this.stream.isTTY) this.stream.write(`\r${line}\x1b[K${finished ? '\n' : ''}`);
    else this.stream.write(line + '\n');
  }
}
