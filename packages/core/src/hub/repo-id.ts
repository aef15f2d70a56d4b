/**
 * Hub repository ids as people type them: `bert-base-uncased`, `org/name`, `org/name@revision`
 * (a branch, a tag, a 40-hex commit, or a pull request's `refs/pr/N`). The rules are the hub's
 * own (huggingface_hub's `validate_repo_id`): one or two names of letters, digits, `-`, `_`, `.`,
 * neither starting nor ending with `-` or `.`, without `--` or `..`, at most 96 characters.
 */

export interface HubId {
  repoId: string;
  /** The part after '@', when one was given. */
  revision?: string;
}

const NAME = /^[A-Za-z0-9_](?:[\w.-]*[A-Za-z0-9_])?$/;
const COMMIT = /^[0-9a-f]{40}$/;

/** Why `repoId` is not a valid repository id, or undefined when it is one. */
function repoIdProblem(repoId: string): string | undefined {
  const names = repoId.split('/');
  if (names.length > 2) return 'a repo id is "name" or "org/name" (at most one "/")';
  if (repoId.length > 96) return 'a repo id has at most 96 characters';
  for (const name of names) {
    if (!NAME.test(name)) return `"${name}" must be letters, digits, "-", "_" or ".", not starting or ending with "-" or "."`;
    if (name.includes('--') || name.includes('..')) return `"${name}" must not contain "--" or ".."`;
  }
  return undefined;
}

function revisionProblem(revision: string): string | undefined {
  if (!revision) return 'the revision after "@" is empty';
  if (/\s/.test(revision) || revision.split('/').some((part) => part === '' || part === '.' || part === '..')) {
    return `"${revision}" is not a branch, tag, commit or refs/pr/N`;
  }
  return undefined;
}

/** `org/name@rev` → { repoId: 'org/name', revision: 'rev' }; a clear error when it is not a hub id. */
export function parseHubId(source: string): HubId {
  const at = source.indexOf('@');
  const repoId = at < 0 ? source : source.slice(0, at);
  const revision = at < 0 ? undefined : source.slice(at + 1);
  const problem = repoIdProblem(repoId) ?? (revision === undefined ? undefined : revisionProblem(revision));
  if (problem) throw new Error(`"${source}" is not a hub model id (org/name[@revision]): ${problem}`);
  return revision === undefined ? { repoId } : { repoId, revision };
}

/**
 * Whether `source` reads as a hub id. Purely by its spelling: a folder that exists under that
 * name wins over the hub, and that is for the caller to check (see `model-source.ts`).
 */
export function isHubId(source: string): boolean {
  try {
    parseHubId(source);
    return true;
  } catch {
    return false;
  }
}

/** A full commit hash, which names a snapshot directly (no `refs/` lookup). */
export function isCommitHash(revision: string): boolean {
  return COMMIT.test(revision);
}

/** `org/name@rev`, or `org/name` when no revision is given. */
export function formatHubId(repoId: string, revision?: string): string {
  return revision ? `${repoId}@${revision}` : repoId;
}
