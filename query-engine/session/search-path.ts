/** The SQL that reads a session's search path. */
export const SEARCH_PATH_SQL = "SELECT pg_catalog.current_setting('search_path')";

/**
 * The schemas of a `search_path` value (`"$user", public, "My Schema"`), in order: quoted
 * names kept exactly, unquoted ones folded to lower case, `$user` replaced by the session's role.
 */
export function parseSearchPath(value: string, role: string): string[] {
  const out: string[] = [];
  let at = 0;
  while (at < value.length) {
    while (value[at] === ' ' || value[at] === ',') at++;
    if (at >= value.length) break;
    let name = '';
    if (value[at] === '"') {
      at++;
      while (at < value.length) {
        if (value[at] === '"' && value[at + 1] === '"') {
          name += '"';
          at += 2;
        } else if (value[at] === '"') {
          at++;
          break;
        } else name += value[at++];
      }
    } else {
      const end = value.indexOf(',', at);
      name = value.slice(at, end < 0 ? value.length : end).trim().toLowerCase();
      at = end < 0 ? value.length : end;
    }
    out.push(name === '$user' ? role : name);
  }
  return out;
}
