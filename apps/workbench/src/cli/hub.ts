/**
 * The hub on the command line: `wb pull org/name[@rev]`, `wb cache ls|rm`, and hub ids given to
 * any `--model` option, which are resolved to their snapshot folder (downloaded when the cache
 * lacks them) before the command runs, so that the commands themselves only see folders.
 */
import { Command } from 'commander';
import {
  hubSettings,
  isHubModelSource,
  listHubCache,
  removeFromHubCache,
  resolveModelSource,
  snapshotDownload,
  parseHubId,
  type DownloadProgress,
  type SnapshotOptions,
} from '@wb/core/node';
import { formatBytes, ProgressBar } from './progress.js';

/** A progress bar over a pull's bytes, and its notices on stderr. */
export function downloadReporter(label: string): Pick<SnapshotOptions, 'onProgress' | 'onNotice'> {
  let bar: ProgressBar | undefined;
  let shown = 0;
  return {
    onProgress(progress: DownloadProgress) {
      bar ??= new ProgressBar(progress.total, label, 'bytes');
      bar.tick(progress.bytes - shown);
      shown = progress.bytes;
    },
    onNotice: (message) => process.stderr.write(`wb: ${message}\n`),
  };
}

/**
 * Replaces a hub id in the action's `--model` option by its snapshot folder (a preAction hook of
 * the program: every command with a --model option gets it).
 */
export async function resolveModelOption(command: Command): Promise<void> {
  const model = command.getOptionValue('model') as unknown;
  if (typeof model !== 'string' || !isHubModelSource(model)) return;
  const source = await resolveModelSource(model, downloadReporter(`pull ${model}`));
  command.setOptionValue('model', source.dir);
}

function collect(value: string, all: string[]): string[] {
  return [...all, value];
}

export function pullCommand(): Command {
  return new Command('pull')
    .description(
      'Download a model from the Hugging Face hub ($HF_ENDPOINT) into the huggingface_hub cache ($HF_HUB_CACHE, else $HF_HOME/hub); ' +
        'prints the snapshot folder. By default the files a model needs (configs, vocabularies, safetensors weights), never pickles',
    )
    .argument('<repo>', 'org/name, optionally @revision (branch, tag, commit or refs/pr/N)')
    .option('--include <pattern>', 'only files matching this pattern (fnmatch, e.g. "*.json"); repeatable', collect, [] as string[])
    .option('--exclude <pattern>', 'skip files matching this pattern; repeatable', collect, [] as string[])
    .action(async (repo: string, opts: { include: string[]; exclude: string[] }) => {
      parseHubId(repo);
      const snapshot = await snapshotDownload(repo, {
        include: opts.include.length ? opts.include : undefined,
        exclude: opts.exclude.length ? opts.exclude : undefined,
        ...downloadReporter(`pull ${repo}`),
      });
      const how = snapshot.fromCache ? 'from the cache' : `${snapshot.downloaded.length} downloaded`;
      process.stderr.write(`wb pull: ${snapshot.repoId}@${snapshot.revision} is commit ${snapshot.commit}: ${snapshot.files.length} files (${how})\n`);
      process.stdout.write(`${snapshot.folder}\n`);
    });
}

export function cacheCommand(): Command {
  const cache = new Command('cache').description('The Hugging Face hub cache that `wb pull` and hub ids given to --model fill');
  cache
    .command('ls')
    .description('List the cached models: revisions, snapshots, size on disk')
    .option('--json', 'print JSON instead of a table')
    .action((opts: { json?: boolean }) => {
      const { cacheDir } = hubSettings();
      const entries = listHubCache(cacheDir);
      if (opts.json) {
        process.stdout.write(JSON.stringify({ cacheDir, models: entries }, null, 2) + '\n');
        return;
      }
      if (!entries.length) {
        process.stdout.write(`no models in ${cacheDir}\n`);
        return;
      }
      const rows = entries.map((e) => [
        e.repoId,
        Object.entries(e.refs).map(([ref, commit]) => `${ref}=${commit.slice(0, 7)}`).join(' ') || '-',
        e.snapshots.map((c) => c.slice(0, 7)).join(' ') || '-',
        formatBytes(e.bytes),
        e.modified.slice(0, 16).replace('T', ' '),
      ]);
      const table = [['REPO', 'REFS', 'SNAPSHOTS', 'SIZE', 'MODIFIED'], ...rows];
      const widths = table[0].map((_, i) => Math.max(...table.map((r) => r[i].length)));
      process.stdout.write(`${cacheDir}\n`);
      for (const row of table) process.stdout.write(row.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd() + '\n');
    });
  cache
    .command('rm')
    .description('Remove cached models: org/name (all of it) or org/name@revision (that snapshot, its refs, and blobs no other snapshot uses)')
    .argument('<repos...>', 'org/name or org/name@revision')
    .action((repos: string[]) => {
      const { cacheDir } = hubSettings();
      for (const repo of repos) {
        const { repoId, revision } = parseHubId(repo);
        const removal = removeFromHubCache(cacheDir, repoId, revision);
        process.stdout.write(`removed ${repo}: ${formatBytes(removal.bytes)} freed (${removal.removed.length} ${removal.removed.length === 1 ? 'entry' : 'entries'})\n`);
      }
    });
  return cache;
}
