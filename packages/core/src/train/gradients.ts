/**
 * Importing this module registers tfjs-core's gradients (tfjs-core's Node entry registers none).
 * `tfjs-gradients.js` is bundled at build time (scripts/bundle-gradients.mjs); under vitest an alias
 * points it at tfjs-core's own ESM file.
 */
import './tfjs-gradients.js';

export const gradientsRegistered = true;
