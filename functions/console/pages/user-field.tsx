/** The field naming a user (`okta/jdoe`). */
export const UserField = ({ value, label = 'User (iamid/userid)' }: { value?: string | undefined; label?: string }) => (
  <label>
    {label}
    <input name="user" value={value ?? ''} placeholder="okta/jdoe" pattern="[^/]+/.+" />
  </label>
);
