/**
 * `--include` / `--exclude` patterns, matched as huggingface_hub matches `allow_patterns`:
 * Python's fnmatch on the path in the repository (`*` crosses '/', `?` is one character,
 * `[abc]` / `[!abc]` a set), and a pattern ending in '/' means everything under that folder.
 */

function patternToRegExp(pattern: string): RegExp {
  const source = pattern.endsWith('/') ? `${pattern}*` : pattern;
  let out = '';
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else if (c === '[') {
      const close = source.indexOf(']', i + 2);
      if (close < 0) out += '\\[';
      else {
        let set = source.slice(i + 1, close);
        set = set.startsWith('!') ? `^${set.slice(1).replace(/\\/g, '\\\\')}` : set.replace(/\\/g, '\\\\');
        out += `[${set}]`;
        i = close;
      }
    } else out += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  return new RegExp(`^${out}$`, 's');
}

export function matchesAny(path: string, patterns: string[]): boolean {
  return patterns.some((pattern) => patternToRegExp(pattern).test(path));
}

/** The files that `include` (all when undefined) lets through and `exclude` does not stop. */
export function filterFiles(files: string[], include?: string[], exclude?: string[]): string[] {
  return files.filter((f) => (!include || matchesAny(f, include)) && !(exclude && matchesAny(f, exclude)));
}
