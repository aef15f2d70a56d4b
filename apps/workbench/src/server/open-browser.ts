/** Opens a URL in the person's browser when there is one (`$BROWSER`, a desktop session, macOS, Windows); never fails. */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => existsSync(join(dir, command)));
}

/** The command that would open a browser here, or undefined (a server, a container, CI). */
export function browserCommand(): [string, string[]] | undefined {
  if (process.env.BROWSER) return [process.env.BROWSER, []];
  if (process.env.CI) return undefined;
  if (process.platform === 'darwin') return ['open', []];
  if (process.platform === 'win32') return ['cmd', ['/c', 'start', '""']];
  const desktop = process.env.DISPLAY || process.env.WAYLAND_DISPLAY;
  if (desktop && onPath('xdg-open')) return ['xdg-open', []];
  return undefined;
}

export function openBrowser(url: string): boolean {
  const command = browserCommand();
  if (!command) return false;
  try {
    const child = spawn(command[0], [...command[1], url], { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
    return true;
  } catch {
    return false;
  }
}
