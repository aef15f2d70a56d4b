/**
 * Files that appear whole or not at all (Node). A write goes to `NAME.tmp-PID` beside its target and
 * is renamed over it; a process killed mid-write (kill -9, power loss) leaves that temporary file
 * behind, so the next write of the same target — and `removeStaleTempFiles` for a whole folder —
 * deletes those whose process no longer runs.
 */
import { closeSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** `NAME.tmp-PID` (ours), and the hidden `.NAME.PID[.MS].tmp` that earlier versions of the workbench wrote. */
const TEMP_NAMES = [/^(.+)\.tmp-(\d+)$/, /^\.(.+?)\.(\d+)(?:\.\d+)?\.tmp$/];

/** Whether process `pid` is running (signal 0 only asks). */
function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it runs, as another user.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The target a temporary file was written for, when `name` is one whose writer has died. */
function staleTarget(name: string): string | undefined {
  for (const pattern of TEMP_NAMES) {
    const match = pattern.exec(name);
    if (match && !alive(Number(match[2]))) return match[1];
  }
  return undefined;
}

/**
 * Deletes the temporary files in `dir` left by writers that died (of every target, or only of
 * `target` when given). Returns the names removed. A folder that cannot be read is left alone.
 */
export function removeStaleTempFiles(dir: string, target?: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const of = staleTarget(name);
    if (of === undefined || (target !== undefined && of !== target)) continue;
    try {
      rmSync(join(dir, name), { force: true });
      removed.push(name);
    } catch {
      // Not ours to remove after all (permissions): leave it.
    }
  }
  return removed;
}

/** Text made in pieces: `produce` hands each to `write` (so that a large file is never one string). */
export type PieceWriter = (write: (piece: string) => void) => void;

/** Writes pieces to an open file, a megabyte at a time. */
function writePieces(fd: number, produce: PieceWriter): void {
  let pending: string[] = [];
  let size = 0;
  const flush = () => {
    if (size > 0) writeSync(fd, pending.join(''));
    pending = [];
    size = 0;
  };
  produce((piece) => {
    pending.push(piece);
    size += piece.length;
    if (size >= 1 << 20) flush();
  });
  flush();
}

/**
 * Writes the data (bytes, text, or text made in pieces) next to its final name first, so a crash
 * never leaves a half-written file.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array | PieceWriter): void {
  const tmp = freshTempPath(path);
  try {
    if (typeof data === 'function') {
      const fd = openSync(tmp, 'wx');
      try {
        writePieces(fd, data);
      } finally {
        closeSync(fd);
      }
    } else {
      writeFileSync(tmp, data, { flag: 'wx' });
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw cannotWrite(path, e);
  }
}

/**
 * The same for a writer that needs a path of its own (h5wasm writes an HDF5 file by name): `write`
 * fills the temporary file, which then replaces `path`.
 */
export async function writeFileAtomicVia(path: string, write: (tempPath: string) => Promise<void>): Promise<void> {
  const tmp = freshTempPath(path);
  try {
    await write(tmp);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw cannotWrite(path, e);
  }
}

/** `NAME.tmp-PID` beside `path`, its folder made, stale ones of dead writers and any old one of ours removed. */
function freshTempPath(path: string): string {
  mkdirSync(dirname(path), { recursive: true });
  removeStaleTempFiles(dirname(path), basename(path));
  const tmp = `${path}.tmp-${process.pid}`;
  // A fresh file, never whatever was left under that name (a symbolic link would be followed).
  rmSync(tmp, { force: true });
  return tmp;
}

function cannotWrite(path: string, e: unknown): Error {
  const error = e as NodeJS.ErrnoException;
  const why = error.code === 'EISDIR' ? 'is a folder' : error.code === 'ENOSPC' ? 'no space left on the device' : error.code === 'EACCES' ? 'permission denied' : error.message;
  return new Error(`cannot write ${path}: ${why}`, { cause: e });
}
