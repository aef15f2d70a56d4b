/**
 * Read access to the files of a model folder, wherever the folder is: on disk (`diskFiles`, Node)
 * or behind the workbench's HTTP server (its browser kernel). The one loader (`load-model.ts`) and
 * the families it dispatches to (`models/families.ts`) read only through this interface, so one
 * copy of "which files, in which order, checked how" serves every environment; the parsing
 * underneath is bytes in, model out.
 *
 * Reads are synchronous because the Node API always was (`loadBertCheckpoint`, used by the
 * tasks package, returns its result directly). A browser implementation runs in a Web Worker,
 * where a synchronous request blocks only that worker.
 */
export interface ModelFiles {
  /** The folder as messages name it: a path, or a URL path. */
  readonly location: string;
  /** `location` joined with a relative name, for messages. */
  path(name: string): string;
  /** What `name` (relative, '/'-separated; '' is the folder itself) is, or undefined when it does not exist. */
  kind(name: string): 'file' | 'folder' | undefined;
  /** Names of the entries of the folder `name` ('' by default), in the order the storage gives them. */
  list(name?: string): string[];
  bytes(name: string): Uint8Array;
  text(name: string): string;
  /** The folder `name` inside this one, as a ModelFiles of its own. */
  folder(name: string): ModelFiles;
}

/** Joins a folder location and a relative name with '/', as both paths and URLs want. */
export function joinLocation(location: string, name: string): string {
  if (!name) return location;
  return location.endsWith('/') ? location + name : `${location}/${name}`;
}
