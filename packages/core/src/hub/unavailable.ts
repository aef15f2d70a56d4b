/**
 * The one hub failure that callers may answer with another model: the model is not in the hub
 * cache and cannot be downloaded now (HF_HUB_OFFLINE=1, or the hub unreachable). Browser-safe and
 * recognised by its name, so that the browser kernel raises the same error for the workbench
 * server's answer as Node raises for its own cache (`load-fallback.ts` falls back on it, and on
 * nothing else: a refused token or a broken model stays an error).
 */
export class HubModelUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HubModelUnavailableError';
  }
}

export function isHubModelUnavailable(error: unknown): boolean {
  return error instanceof Error && error.name === 'HubModelUnavailableError';
}
