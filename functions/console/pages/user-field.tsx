/** A user named `iamid/userid` in a form; undefined when malformed. */
export function parseUser(text: string): { iamid: string; userid: string } | undefined {
  const at = text.indexOf('/');
  if (at <= 0 || at === text.length - 1) return undefined;
  return { iamid: text.slice(0, at), userid: text.slice(at + 1) };
}

/** The field naming a user (`okta/jdoe`). */
export const UserField = ({ value, label = 'User (iamid/userid)' }: { value?: string | undefined; label?: string }) => (
  <label>
    {label}
    <input name="user" value={value ?? ''} placeholder="okta/jdoe" pattern="[^/]+/.+" />
  </label>
);
