import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import type { Signed } from './session.ts';

/** Where every page of the console lives. */
export const BASE = '/console';

interface NavItem {
  readonly href: string;
  readonly label: string;
  readonly shown: (s: Signed) => boolean;
}

/** The pages, and who sees each in the menu (the API refuses the others anyway). */
const NAV: readonly NavItem[] = [
  { href: `${BASE}/data`, label: 'Data', shown: () => true },
  { href: `${BASE}/requests`, label: 'Requests', shown: (s) => Boolean(s.user) || s.may('GOVERNANCE') },
  { href: `${BASE}/why`, label: 'Why', shown: () => true },
  { href: `${BASE}/policies`, label: 'Policies', shown: (s) => s.may('GOVERNANCE') },
  { href: `${BASE}/people`, label: 'People', shown: (s) => s.may('USER_ADMIN') },
  { href: `${BASE}/audit`, label: 'Audit', shown: (s) => s.may('AUDIT') },
];

/** Who is signed in, as the header says it. */
function who(s: Signed): string {
  const p = s.session.principal;
  return p.type === 'user' ? `${p.iamid}/${p.id}` : `service:${p.id}`;
}

/** The session's CSRF token as a hidden field: every form that changes something carries it. */
export const Csrf = ({ signed }: { signed: Signed }) => <input type="hidden" name="csrf" value={signed.session.csrfToken} />;

/** A form that changes something: posted to `action`, the CSRF token its first field. */
export const ChangeForm = ({ signed, action, inline = false, children }: { signed: Signed; action: string; inline?: boolean; children?: Child }) => (
  <form method="post" action={action} class={inline ? 'inline' : undefined}>
    <Csrf signed={signed} />
    {children}
  </form>
);

/** A page of the console: the menu, who is signed in, sign-out, and the page under its heading. */
export function Page({ signed, title, current, children }: { signed?: Signed; title: string; current?: string; children?: Child }) {
  return (
    <>
      {raw('<!doctype html>')}
      <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} · Warden`}</title>
        <link rel="stylesheet" href={`${BASE}/static/console.css`} />
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header>
          <span class="brand">Warden</span>
          {signed && (
            <nav aria-label="Console">
              <ul>
                {NAV.filter((n) => n.shown(signed)).map((n) => (
                  <li>
                    <a href={n.href} aria-current={n.href === current ? 'page' : undefined}>
                      {n.label}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
          )}
          {signed && (
            <form method="post" action={`${BASE}/sign-out`} class="sign-out">
              <span>{who(signed)}</span>
              <Csrf signed={signed} />
              <button type="submit">Sign out</button>
            </form>
          )}
        </header>
        <main id="main">
          <h1>{title}</h1>
          {children}
        </main>
      </body>
      </html>
    </>
  );
}

/** A failure the API described, shown where the page would be. */
export const Problem = ({ detail }: { detail: string }) => (
  <p class="problem" role="alert">
    {detail}
  </p>
);

/** A notice after a change (`?done=`). */
export const Notice = ({ text }: { text: string | undefined }) =>
  text ? (
    <p class="notice" role="status">
      {text}
    </p>
  ) : null;

/** Links to the next page of a listing, keeping its filters. */
export function Next({ path, query, cursor }: { path: string; query: Record<string, string | undefined>; cursor: string | null }) {
  if (!cursor) return null;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v) params.set(k, v);
  params.set('cursor', cursor);
  return (
    <p>
      <a href={`${path}?${params.toString()}`} rel="next">
        Next page
      </a>
    </p>
  );
}
