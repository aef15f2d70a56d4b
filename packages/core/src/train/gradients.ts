/**
 * Importing this module registers tfjs-core's gradients (tfjs-core's Node entry registers none).
 * `./tfjs-gradients.js` is, in src, a plain import of tfjs-core's own file (for bundlers and
 * vitest) and, in dist, a Node-loadable bundle of it written by scripts/bundle-gradients.mjs.
 */
import './tfjs-gradients.js';

export const gradientsRegistered = true;
