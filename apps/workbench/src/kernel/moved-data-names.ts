/**
 * Deprecated: `sharedDir`, `sharedPath` and `shippedModelPath` were imported from '@wb/core/node'
 * until they moved to '@wb/workbench/data' (core is a library and does not know this repository's
 * layout). Both kernels still give them under the old name, so that notebooks saved before the move
 * keep running, and say once per kernel where the names live now.
 */
export const MOVED_DATA_NAMES = ['sharedDir', 'sharedPath', 'shippedModelPath'] as const;

type MovedName = (typeof MOVED_DATA_NAMES)[number];

/**
 * `coreNode`'s names plus the moved ones, taken from `data`; the first use of one calls `warn`.
 * A kernel makes this once and gives it to every import of '@wb/core/node', so it warns once.
 */
export function withMovedDataNames(coreNode: object, data: Record<MovedName, unknown>, warn: (message: string) => void): Record<string, unknown> {
  const module: Record<string, unknown> = { ...coreNode };
  let warned = false;
  for (const name of MOVED_DATA_NAMES) {
    Object.defineProperty(module, name, {
      enumerable: true,
      get() {
        if (!warned) {
          warned = true;
          warn(`${MOVED_DATA_NAMES.join(', ')} moved from '@wb/core/node' to '@wb/workbench/data'; import them from there (the old place is deprecated)`);
        }
        return data[name];
      },
    });
  }
  return module;
}
