/**
 * Where the hub is and where its downloads live, read from the same environment variables as
 * huggingface_hub so that a Python user's cache and token are shared:
 *   HF_ENDPOINT   the hub (default https://huggingface.co; a mirror or a test server)
 *   HF_TOKEN      sent as `Authorization: Bearer …` (else the token file `huggingface-cli login` wrote)
 *   HF_HUB_CACHE  the cache; else $HF_HOME/hub; else $XDG_CACHE_HOME/huggingface/hub; else ~/.cache/huggingface/hub
 *   HF_HUB_OFFLINE=1  never touch the network, serve from the cache
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface HubSettings {
  /** Without a trailing '/'. */
  endpoint: string;
  token?: string;
  cacheDir: string;
  offline: boolean;
}

const DEFAULT_ENDPOINT = 'https://huggingface.co';

/** huggingface_hub's notion of a true environment variable. */
function isTrue(value: string | undefined): boolean {
  return ['1', 'ON', 'YES', 'TRUE'].includes((value ?? '').trim().toUpperCase());
}

function expandHome(path: string): string {
  return path === '~' || path.startsWith('~/') ? join(homedir(), path.slice(1)) : path;
}

function readToken(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The settings from `env`, each overridable (tests, notebooks that pass their own). */
export function hubSettings(overrides: Partial<HubSettings> = {}, env: NodeJS.ProcessEnv = process.env): HubSettings {
  const hfHome = expandHome(env.HF_HOME || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'huggingface'));
  const cacheDir = expandHome(env.HF_HUB_CACHE || env.HUGGINGFACE_HUB_CACHE || join(hfHome, 'hub'));
  const token = env.HF_TOKEN || env.HUGGING_FACE_HUB_TOKEN || readToken(expandHome(env.HF_TOKEN_PATH || join(hfHome, 'token')));
  const settings: HubSettings = {
    endpoint: (env.HF_ENDPOINT || DEFAULT_ENDPOINT).replace(/\/+$/, ''),
    token,
    cacheDir,
    offline: isTrue(env.HF_HUB_OFFLINE) || isTrue(env.TRANSFORMERS_OFFLINE),
  };
  for (const [key, value] of Object.entries(overrides)) {
    if (value !== undefined) (settings as unknown as Record<string, unknown>)[key] = value;
  }
  settings.endpoint = settings.endpoint.replace(/\/+$/, '');
  return settings;
}
