/**
 * Where tests find the shared data (`WB_SHARED_DIR`, else `../shared` beside this repository).
 * Tests that read it skip with a clear message when it is absent, except under
 * WB_REQUIRE_SHARED=1 (CI), where a missing folder is a failure.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe } from 'vitest';

/** This repository: this file is test/support/shared.ts inside it. */
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** A path inside the shared folder, e.g. `sharedPath('fixtures', 'tiny-bert')`. */
export function sharedPath(...parts: string[]): string {
  const dir = process.env.WB_SHARED_DIR ? resolve(process.env.WB_SHARED_DIR) : join(repoRoot, '..', 'shared');
  return join(dir, ...parts);
}

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
