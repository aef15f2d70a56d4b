/**
 * The access token (as Jupyter's): every page, API call and websocket must carry it, as
 * `?token=`, an `Authorization: token …` header, or the cookie set when a page was opened
 * with it; anything else gets 403. Requests must also name this server as their host (no DNS
 * rebinding) and websockets must come from its own pages (no cross-site websocket hijacking).
 *
 * Cross-site request forgery (as Jupyter Server guards against it): cookies are not separated by
 * port, so a page on another port of 127.0.0.1 makes the browser send the access cookie too. A
 * request from another origin (its `Origin` or `Sec-Fetch-Site` says so) is refused, and a
 * state-changing one (anything but GET/HEAD/OPTIONS) that the cookie alone authorises must repeat
 * the XSRF token in the `X-XSRFToken` header (`ui/xsrf.ts`), which another origin cannot send.
 * Nothing a request carries can crash the server: a malformed cookie is no token.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { XSRF_HEADER, xsrfCookieName } from '../ui/xsrf.js';

export const newToken = (): string => randomBytes(24).toString('hex');

export function cookieName(port: number): string {
  return `wb-token-${port}`;
}

function sameToken(given: string | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The XSRF token of a session: derived from the access token, so it needs no state and changes with it. */
export function xsrfTokenFor(token: string): string {
  return createHmac('sha256', token).update('wb-xsrf').digest('hex');
}

/** A cookie's value; a malformed one (`%` that is no escape) is no value, never an exception. */
function cookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

export interface RequestToken {
  token: string;
  port: () => number;
}

function allowedHost(host: string | undefined, port: number): boolean {
  if (!host) return false;
  return [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`].includes(host.toLowerCase());
}

/** The token a raw request carries, wherever it is, and where that was. */
export function requestToken(req: IncomingMessage, port: number): { value: string; from: 'query' | 'header' | 'cookie' } | undefined {
  let query: string | null = null;
  try {
    query = new URL(req.url ?? '/', 'http://x').searchParams.get('token');
  } catch {
    // A request line that is no URL carries no token.
  }
  if (query !== null) return { value: query, from: 'query' };
  const header = req.headers.authorization;
  if (header?.toLowerCase().startsWith('token ')) return { value: header.slice(6).trim(), from: 'header' };
  const fromCookie = cookie(req.headers.cookie, cookieName(port));
  return fromCookie === undefined ? undefined : { value: fromCookie, from: 'cookie' };
}

export function authorised(req: IncomingMessage, { token, port }: RequestToken): boolean {
  return allowedHost(req.headers.host, port()) && sameToken(requestToken(req, port())?.value, token);
}

/** Whether an `Origin` header names this server (`null`, another port or host, or garbage do not). */
function sameOrigin(origin: string, port: number): boolean {
  try {
    const url = new URL(origin);
    return (url.protocol === 'http:' || url.protocol === 'https:') && allowedHost(url.host, port);
  } catch {
    return false;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Why an authorised request must still be refused as cross-site, or undefined when it may go on. */
export function crossSiteRefusal(req: IncomingMessage, { token, port }: RequestToken): string | undefined {
  const origin = req.headers.origin;
  if (origin !== undefined && !sameOrigin(origin, port())) return `forbidden: a request from another origin (${origin.slice(0, 100)})`;
  if (SAFE_METHODS.has(req.method ?? 'GET')) return undefined;
  // Browsers say where a request comes from; "same-site" is another port of this host.
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return `forbidden: a ${site} request may not change anything`;
  // A query or header token cannot be forged by another page; the cookie is sent for any page of the host.
  if (requestToken(req, port())?.from !== 'cookie') return undefined;
  const given = req.headers[XSRF_HEADER.toLowerCase()];
  if (!sameToken(typeof given === 'string' ? given : undefined, xsrfTokenFor(token))) {
    return `forbidden: this request needs the ${XSRF_HEADER} header with the token in the ${xsrfCookieName(port())} cookie (as the workbench's pages send it)`;
  }
  return undefined;
}

/** Express middleware: 403 without the token; a page opened with `?token=` gets the cookie. */
export function requireToken(auth: RequestToken) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!authorised(req, auth)) {
      res.status(403);
      if (req.path.startsWith('/api/')) res.json({ error: 'forbidden: this request needs the access token printed by `wb serve`' });
      else res.type('text/plain').send('403 Forbidden: open the workbench with the URL (and token) that `wb serve` printed.\n');
      return;
    }
    if (typeof req.query.token === 'string') {
      res.cookie(cookieName(auth.port()), req.query.token, { httpOnly: true, sameSite: 'strict', path: '/' });
    }
    // Pages get the XSRF token their scripts must send back with every change (readable by them: not httpOnly).
    if (req.method === 'GET' && !req.path.startsWith('/api/') && !req.path.startsWith('/assets/')) {
      res.cookie(xsrfCookieName(auth.port()), xsrfTokenFor(auth.token), { sameSite: 'strict', path: '/' });
    }
    next();
  };
}

/** Express middleware (after `requireToken`): 403 for requests from another origin, and for state changes without the XSRF header. */
export function refuseCrossSite(auth: RequestToken) {
  return (req: Request, res: Response, next: NextFunction) => {
    const refusal = crossSiteRefusal(req, auth);
    if (!refusal) return next();
    res.status(403);
    if (req.path.startsWith('/api/')) res.json({ error: refusal });
    else res.type('text/plain').send(`403 ${refusal}\n`);
  };
}

/** Websocket upgrades: the token, and an Origin that is this server. */
export function authorisedUpgrade(req: IncomingMessage, auth: RequestToken): boolean {
  if (!authorised(req, auth)) return false;
  const origin = req.headers.origin;
  return !origin || sameOrigin(origin, auth.port());
}
