/** How far a pull is, as its `onProgress` callback hears it (the CLI draws it as a bar). */

export interface DownloadProgress {
  repoId: string;
  /** The file being received. */
  file: string;
  /** Bytes of this pull in place so far, all files together (resumed bytes included). */
  bytes: number;
  /** Bytes this pull downloads in all (files already in the cache are not counted). */
  total: number;
  /** Received in this call, per second of it (resumed bytes are not counted). */
  bytesPerSecond: number;
  /** Seconds left at that rate; undefined until something was received. */
  etaSeconds: number | undefined;
  /** The last report of the pull. */
  done: boolean;
}

export type ProgressCallback = (progress: DownloadProgress) => void;

/** Adds up what the downloads of one pull received and reports it. */
export class ProgressTracker {
  private bytes = 0;
  private received = 0;
  private readonly started = performance.now();

  constructor(
    private readonly repoId: string,
    readonly total: number,
    private readonly report: ProgressCallback = () => {},
  ) {}

  /** Bytes a resumed download already had: done, but not part of the rate. */
  resumed(file: string, bytes: number): void {
    this.bytes += bytes;
    this.emit(file, false);
  }

  /** Bytes just received. */
  add(file: string, bytes: number): void {
    this.bytes += bytes;
    this.received += bytes;
    this.emit(file, false);
  }

  /** A restarted download gives back what it had counted. */
  discard(bytes: number): void {
    this.bytes -= bytes;
  }

  finish(file: string): void {
    this.emit(file, true);
  }

  private emit(file: string, done: boolean): void {
    const seconds = (performance.now() - this.started) / 1000;
    const bytesPerSecond = seconds > 0 ? this.received / seconds : 0;
    const left = Math.max(0, this.total - this.bytes);
    this.report({
      repoId: this.repoId,
      file,
      bytes: this.bytes,
      total: this.total,
      bytesPerSecond,
      etaSeconds: bytesPerSecond > 0 ? left / bytesPerSecond : undefined,
      done,
    });
  }
}
