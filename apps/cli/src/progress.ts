import type { Writable } from 'node:stream';

/** A one-line progress bar on stderr for long work: `[#####.....] 50% 1200/2400 events`. */
export class ProgressBar {
  private lastDrawn = 0;

  constructor(
    private readonly out: Writable,
    private readonly label: string,
    private readonly width = 30,
  ) {}

  update(done: number, total: number | null, force = false): void {
    const now = Date.now();
    if (!force && now - this.lastDrawn < 100) return;
    this.lastDrawn = now;
    if (total === null || total === 0) {
      this.out.write(`\r${this.label}: ${done}`);
      return;
    }
    const ratio = Math.min(1, done / total);
    const filled = Math.round(ratio * this.width);
    const bar = `${'#'.repeat(filled)}${'.'.repeat(this.width - filled)}`;
    this.out.write(`\r${this.label} [${bar}] ${Math.round(ratio * 100)}% ${done}/${total}`);
  }

  finish(done: number, total: number | null): void {
    this.update(done, total, true);
    this.out.write('\n');
  }
}
