/**
 * "A real model when this machine has it, else the shipped mini": what the example notebooks load.
 * `loadHubModelOr(hubId, fallback, load)` loads the hub model (from the hub cache, or downloaded)
 * and falls back to `fallback` only when the hub model cannot be had here — not in the cache and
 * the hub offline (HF_HUB_OFFLINE=1) or unreachable (`HubModelUnavailableError`); any other failure
 * (a refused token, a broken model) is an error as usual. It prints which model it used, the same
 * words in the Node and the browser kernel, so that a notebook's output says what it ran on.
 * Family-agnostic: `load` is whichever loader the notebook uses (`loadModel`, `loadBert`, …).
 */
import { isHubModelUnavailable } from './hub/unavailable.js';

export interface HubFallbackOptions {
  /** Where the note goes (default console.log: a cell's output). */
  say?: (line: string) => void;
}

/** The last part of a path or URL path: `…/models/bert-mini` → `bert-mini`. */
const shortName = (source: string) => source.replace(/\/+$/, '').split('/').at(-1) || source;

export async function loadHubModelOr<M>(
  hubId: string,
  fallback: string,
  load: (source: string) => Promise<M>,
  options: HubFallbackOptions = {},
): Promise<M> {
  const say = options.say ?? ((line: string) => console.log(line));
  try {
    const model = await load(hubId);
    say(`model: ${hubId} (from the Hugging Face hub)`);
    return model;
  } catch (e) {
    if (!isHubModelUnavailable(e)) throw e;
  }
  const model = await load(fallback);
  say(`model: ${shortName(fallback)} (${hubId} is not in the hub cache and cannot be downloaded here: offline or the hub unreachable)`);
  return model;
}
