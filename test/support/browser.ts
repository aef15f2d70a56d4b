/**
 * Browser tests in headless Chromium (Debian's `chromium`, driven by playwright-core; never a
 * downloaded browser): bundle a test entry with esbuild, serve it from a loopback-only HTTP server,
 * open it at http://localhost:<port> (a secure context, which WebGPU requires) and call into it
 * with `page.evaluate`. Used by packages/kernels-gpu's tests and bench, and meant for the
 * workbench's Playwright tests too.
 *
 *   const session = await openBrowserSession({ entry: 'test/browser/page.ts', mounts: { '/fixtures/': dir } });
 *   const result = await session.page.evaluate(() => window.myTests.run());
 *   await session.close();
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, resolve, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import { build, type BuildOptions } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Where Chromium is looked for: WB_CHROMIUM, else Debian's /usr/bin/chromium. */
export function chromiumPath(): string {
  return process.env.WB_CHROMIUM ?? '/usr/bin/chromium';
}

export function hasChromium(): boolean {
  return existsSync(chromiumPath());
}

/**
 * Whether browser tests can run. A missing Chromium skips them with a message, except in CI or
 * under WB_REQUIRE_BROWSER=1, where it is an error (CI's .ci/run installs `chromium`).
 */
export function browserAvailable(): boolean {
  if (hasChromium()) return true;
  const message = `${chromiumPath()} not found: install Debian's chromium (apt-get install -y chromium) or set WB_CHROMIUM`;
  if (process.env.CI || process.env.WB_REQUIRE_BROWSER === '1') throw new Error(message);
  console.warn(`skipping browser tests: ${message}`);
  return false;
}

/**
 * Flags for headless Chromium. WebGPU is behind --enable-unsafe-webgpu on Linux; with no GPU both
 * WebGPU (Dawn) and WebGL2 (ANGLE) run on SwiftShader, Chromium's CPU Vulkan.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
];

export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: [...CHROMIUM_ARGS, ...extraArgs] });
}

export interface BundleResult {
  dir: string;
  /** File name of the bundle inside `dir`. */
  file: string;
  dispose(): Promise<void>;
}

/** Bundles `entry` (TypeScript or JavaScript) for the browser as one ES module in a temp folder. */
export async function bundleForBrowser(entry: string, options: Partial<BuildOptions> = {}): Promise<BundleResult> {
  const dir = await mkdtemp(join(tmpdir(), 'wb-browser-'));
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    outfile: join(dir, 'bundle.js'),
    sourcemap: 'inline',
    logLevel: 'error',
    ...options,
  });
  return { dir, file: 'bundle.js', dispose: () => rm(dir, { recursive: true, force: true }) };
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

export interface StaticServer {
  /** http://localhost:<port> (localhost, not 127.0.0.1: a secure context for WebGPU). */
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Serves `mounts` (URL prefix → folder, e.g. `{'/': bundleDir, '/fixtures/': dir}`) and `pages`
 * (URL path → content) on 127.0.0.1 at a random port. Nothing outside the mounted folders is served.
 */
export async function serveStatic(mounts: Record<string, string>, pages: Record<string, string> = {}): Promise<StaticServer> {
  const prefixes = Object.entries(mounts)
    .map(([prefix, dir]) => [prefix.endsWith('/') ? prefix : `${prefix}/`, resolve(dir)] as const)
    .sort((a, b) => b[0].length - a[0].length);
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    const send = (status: number, body: string | Buffer, type = 'text/plain; charset=utf-8') => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed');
    if (path in pages) return send(200, pages[path], CONTENT_TYPES[extname(path) || '.html']);
    for (const [prefix, dir] of prefixes) {
      if (!path.startsWith(prefix)) continue;
      const file = resolve(dir, `.${sep}${path.slice(prefix.length)}`);
      if (file !== dir && !file.startsWith(dir + sep)) return send(403, 'forbidden');
      if (!existsSync(file) || !statSync(file).isFile()) continue;
      return send(200, readFileSync(file), CONTENT_TYPES[extname(file)] ?? 'application/octet-stream');
    }
    send(404, `not found: ${path}`);
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ok());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}`,
    port,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

export interface BrowserSession {
  browser: Browser;
  page: Page;
  url: string;
  /** Everything the page printed (console messages and uncaught errors), in order. */
  log: string[];
  close(): Promise<void>;
}

export interface BrowserSessionOptions {
  /** The module to bundle and load (TypeScript is fine). */
  entry: string;
  /** esbuild options merged into the bundle's (alias, define, ...). */
  bundle?: Partial<BuildOptions>;
  /** Extra folders to serve: URL prefix → folder. */
  mounts?: Record<string, string>;
  /** A global the entry sets once it is ready (awaited after load), e.g. 'wbReady'. */
  readyGlobal?: string;
  /** Extra Chromium flags. */
  args?: string[];
  /** Echo the page's console to this process's stderr. */
  echo?: boolean;
}

/** Bundles the entry, serves it, launches Chromium and opens the page; `close()` undoes all of it. */
export async function openBrowserSession(options: BrowserSessionOptions): Promise<BrowserSession> {
  const bundle = await bundleForBrowser(options.entry, options.bundle);
  const html = `<!doctype html><meta charset="utf-8"><title>wb browser test</title><script type="module" src="/${bundle.file}"></script>`;
  const server = await serveStatic({ ...options.mounts, '/': bundle.dir }, { '/': html, '/index.html': html });
  let browser: Browser | undefined;
  try {
    browser = await launchChromium(options.args);
    const page = await browser.newPage();
    const log: string[] = [];
    page.on('console', (m) => {
      const line = `[${m.type()}] ${m.text()}`;
      log.push(line);
      if (options.echo) process.stderr.write(`${line}\n`);
    });
    page.on('pageerror', (e) => {
      const line = `[pageerror] ${e.message}`;
      log.push(line);
      if (options.echo) process.stderr.write(`${line}\n`);
    });
    await page.goto(`${server.url}/`);
    if (options.readyGlobal) {
      const name = options.readyGlobal;
      try {
        await page.waitForFunction((n) => (globalThis as Record<string, unknown>)[n] !== undefined, name, { timeout: 60_000 });
      } catch (e) {
        throw new Error(`page never set ${name}: ${(e as Error).message}\npage log:\n${log.join('\n')}`);
      }
    }
    const opened = browser;
    return {
      browser: opened,
      page,
      url: server.url,
      log,
      close: async () => {
        await opened.close();
        await server.close();
        await bundle.dispose();
      },
    };
  } catch (e) {
    await browser?.close();
    await server.close();
    await bundle.dispose();
    throw e;
  }
}
