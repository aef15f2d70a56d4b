/**
 * The access token (as Jupyter's): every page, API call and websocket must carry it, as
 * `?token=`, an `Authorization: token …` header, or the cookie set when a page was opened
 * with it; anything else gets 403. Requests must also name this server as their host (no DNS
 * rebinding) and websockets must come from its own pages (no cross-site websocket hijacking).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { NextFunction, Request, Response } from 'express';

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

function cookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
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

/** The token a raw request carries, wherever it is. */
export function requestToken(req: IncomingMessage, port: number): string | undefined {
  const url = new URL(req.url ?? '/', 'http://x');
  const header = req.headers.authorization;
  const fromHeader = header?.toLowerCase().startsWith('token ') ? header.slice(6).trim() : undefined;
  return url.searchParams.get('token') ?? fromHeader ?? cookie(req.headers.cookie, cookieName(port));
}

export function authorised(req: IncomingMessage, { token, port }: RequestToken): boolean {
  return allowedHost(req.headers.host, port()) && sameToken(requestToken(req, port()), token);
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
    next();
  };
}

/** Websocket upgrades: the token, and an Origin that is this server. */
export function authorisedUpgrade(req: IncomingMessage, auth: RequestToken): boolean {
  if (!authorised(req, auth)) return false;
  const origin = req.headers.origin;
  if (!origin) return true;
  try {
    return allowedHost(new URL(origin).host, auth.port());
  } catch {
    return false;
  }
}
