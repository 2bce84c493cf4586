import type { Hono } from 'hono';
import { WardenApiError } from '#shared/client/index.ts';
import { BASE, Notice, Page, Problem } from '../layout.tsx';
import { apiClient, posted, type ConsoleOptions } from '../session.ts';

/** The sign-in form: the key goes to the API once and is kept nowhere. */
function SignIn({ why, problem }: { why?: string | undefined; problem?: string }) {
  return (
    <Page title="Sign in">
      <Notice text={why} />
      {problem && <Problem detail={problem} />}
      <form method="post" action={`${BASE}/sign-in`} class="inline">
        <label>
          API key
          <input type="password" name="apiKey" required autocomplete="off" spellcheck={false} />
        </label>
        <button type="submit">Sign in</button>
      </form>
      <p>The key is exchanged once for a session that ends when you sign out or after at most an hour; the browser keeps only the session cookie.</p>
    </Page>
  );
}

/** `GET|POST /console/sign-in`, `POST /console/sign-out`. */
export function signInPages(app: Hono, options: ConsoleOptions): void {
  app.get(`${BASE}/sign-in`, (c) => c.html(<SignIn why={c.req.query('why')} />));

  app.post(`${BASE}/sign-in`, async (c) => {
    const form = await c.req.parseBody();
    const key = typeof form.apiKey === 'string' ? form.apiKey.trim() : '';
    if (!key) return c.html(<SignIn problem="an API key is required" />, 400);
    try {
      const reply = await apiClient(c, options, { authorization: `Bearer ${key}` }).request('createConsoleSession');
      for (const cookie of reply.headers.getSetCookie()) c.header('set-cookie', cookie, { append: true });
    } catch (err) {
      if (err instanceof WardenApiError && (err.status === 401 || err.status === 403)) return c.html(<SignIn problem={`sign-in refused: ${err.problem.detail}`} />, err.status);
      throw err;
    }
    return c.redirect(`${BASE}/data`, 303);
  });

  app.post(`${BASE}/sign-out`, async (c) => {
    const { api } = await posted(c, options);
    const reply = await api.request('deleteConsoleSession');
    for (const cookie of reply.headers.getSetCookie()) c.header('set-cookie', cookie, { append: true });
    return c.redirect(`${BASE}/sign-in?why=${encodeURIComponent('signed out')}`, 303);
  });
}
