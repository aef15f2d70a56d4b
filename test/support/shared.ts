/**
 * Tests that read ../shared skip with a clear message when it is absent, except under
 * WB_REQUIRE_SHARED=1 (CI), where a missing folder is a failure.
 */
import { existsSync } from 'node:fs';
import { describe } from 'vitest';
import { sharedPath } from '../../packages/core/src/shared-data.js';

export { sharedPath };

export function hasShared(...parts: string[]): boolean {
  const path = sharedPath(...parts);
  if (existsSync(path)) return true;
  if (process.env.WB_REQUIRE_SHARED === '1') {
    throw new Error(`WB_REQUIRE_SHARED=1 but ${path} does not exist (set WB_SHARED_DIR)`);
  }
  console.warn(`skipping: ${path} not found (set WB_SHARED_DIR to the shared data folder)`);
  return false;
}

/** `describe` that runs only when the shared path exists. */
export function describeShared(parts: string[], name: string, fn: () => void): void {
  (hasShared(...parts) ? describe : describe.skip)(name, fn);
}
