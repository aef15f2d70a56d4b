/**
 * The XSRF token, as Jupyter Server uses one: the server sets it as a cookie that pages of this
 * origin can read (`xsrfCookieName`), and every state-changing request (POST, PUT, ...) sent with
 * the access cookie must repeat it in the `X-XSRFToken` header. A page on another origin — even
 * another port of 127.0.0.1, which the browser sends the same cookies to — cannot add that header
 * without a CORS preflight, which the server never grants. Browser-safe; the server's side is
 * `server/auth.ts`.
 */

export const XSRF_HEADER = 'X-XSRFToken';

/** One cookie per port, as the access cookie: cookies are shared by every port of a host. */
export function xsrfCookieName(port: number | string): string {
  return `wb-xsrf-${port}`;
}

/** The token from `document.cookie` (or the given cookie string), for this page's port. */
export function xsrfToken(cookies = typeof document === 'undefined' ? '' : document.cookie, port = pagePort()): string | undefined {
  const name = xsrfCookieName(port);
  for (const part of cookies.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Headers that carry the token, for `fetch` (none when there is no cookie). */
export function xsrfHeaders(token = xsrfToken()): Record<string, string> {
  return token ? { [XSRF_HEADER]: token } : {};
}

function pagePort(): string {
  if (typeof location === 'undefined') return '';
  return location.port || (location.protocol === 'https:' ? '443' : '80');
}
