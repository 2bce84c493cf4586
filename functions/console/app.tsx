import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Hono, type Context } from 'hono';
import { deleteCookie, getCookie } from 'hono/cookie';
import { WardenApiError } from '#shared/client/index.ts';
import { BASE, Page, Problem } from './layout.tsx';
import { auditPages } from './pages/audit.tsx';
import { dataPages } from './pages/data.tsx';
import { peoplePages } from './pages/people.tsx';
import { policyPages } from './pages/policies.tsx';
import { requestPages } from './pages/requests.tsx';
import { signInPages } from './pages/sign-in.tsx';
import { whyPages } from './pages/why.tsx';
import { SESSION_COOKIE } from '#shared/auth/console-session.ts';
import { SignedOut, type ConsoleOptions } from './session.ts';

/** No script at all, styles from the console's own file, forms only to itself, never framed. */
const CSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** The stylesheet: beside the bundle in Lambda (`console/console.css`), else beside this file. */
function cssPath(): string {
  const beside = fileURLToPath(new URL('./console/console.css', import.meta.url));
  return existsSync(beside) ? beside : fileURLToPath(new URL('./static/console.css', import.meta.url));
}
let css: Promise<string> | undefined;

/** Where the sign-in page is, with why the user is there. */
const signInUrl = (why?: string) => `${BASE}/sign-in${why ? `?why=${encodeURIComponent(why)}` : ''}`;

/** A failure of the API as a page: its status and its detail, in the console's frame. */
function apiFailure(c: Context, err: WardenApiError) {
  const status = err.status === 403 || err.status === 404 || err.status === 409 || err.status === 412 ? err.status : 400;
  return c.html(
    <Page title={status === 403 ? 'Not allowed' : 'That did not work'}>
      <Problem detail={err.problem.detail} />
      <p>
        <a href={`${BASE}/data`}>Back to the console</a>
      </p>
    </Page>,
    status,
  );
}

/**
 * The console: server-rendered pages under `/console` that get every piece of data from the API
 * through the typed client, with the caller's session cookie forwarded, so what a page shows and
 * what it may change is exactly what the API grants the caller.
 */
export function createConsoleApp(options: ConsoleOptions = {}): Hono {
  const app = new Hono();
  app.use(async (c, next) => {
    await next();
    c.header('content-security-policy', CSP);
    c.header('x-content-type-options', 'nosniff');
    // `same-origin`, not `no-referrer`: a browser sends `Origin: null` on every POST under the latter.
    c.header('referrer-policy', 'same-origin');
    c.header('x-frame-options', 'DENY');
    if (!c.res.headers.has('cache-control')) c.header('cache-control', 'no-store');
  });
  // Defence in depth besides the API's CSRF token: a form posted from another origin is refused here.
  app.use(async (c, next) => {
    if (c.req.method === 'POST' && c.req.header('origin') !== new URL(c.req.url).origin) {
      return c.html(
        <Page title="Not allowed">
          <Problem detail="a form of another origin may not change anything here" />
        </Page>,
        403,
      );
    }
    return next();
  });
  app.onError((err, c) => {
    if (err instanceof SignedOut || (err instanceof WardenApiError && err.status === 401)) {
      const had = getCookie(c, SESSION_COOKIE) !== undefined;
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
      return c.redirect(signInUrl(had ? 'your session has ended: sign in again' : undefined), 303);
    }
    if (err instanceof WardenApiError) return apiFailure(c, err);
    return c.html(
      <Page title="Something went wrong">
        <Problem detail="unexpected error: the API may be unreachable" />
      </Page>,
      500,
    );
  });
  app.get(BASE, (c) => c.redirect(`${BASE}/data`, 303));
  app.get(`${BASE}/static/console.css`, async (c) => {
    css ??= readFile(cssPath(), 'utf8');
    return c.body(await css, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=3600' });
  });
  for (const pages of [signInPages, dataPages, requestPages, whyPages, policyPages, peoplePages, auditPages]) pages(app, options);
  app.notFound((c) =>
    c.html(
      <Page title="Not found">
        <Problem detail={`no page at \`${c.req.path}\``} />
      </Page>,
      404,
    ),
  );
  return app;
}
