import { type Role, useRoles } from '../api/roles';
import { useI18n } from '../i18n';
import { SelectField } from './Field';

interface RoleSelectProps {
  label: string;
  value: Role;
  onChange: (role: Role) => void;
  /** The roles to offer, lowest first. */
  roles: readonly Role[];
  hint?: string | undefined;
  error?: string | null | undefined;
  name?: string;
}

/** A role picker; the chosen role's description (from GET /roles) is shown under it. */
export function RoleSelect({ label, value, onChange, roles, hint, error, name }: RoleSelectProps) {
  const { m } = useI18n();
  const info = useRoles();
  const description = info.data?.find((role) => role.name === value)?.description;
  const fullHint = [description, hint].filter(Boolean).join(' ') || undefined;
  return (
    <SelectField
      label={label}
      name={name ?? 'role'}
      value={value}
      onChange={(e) => {
        const chosen = roles.find((role) => role === e.target.value);
        if (chosen) onChange(chosen);
      }}
      hint={fullHint}
      error={error}
    >
      {roles.map((role) => (
        <option key={role} value={role}>
          {m.roles[role]}
        </option>
      ))}
    </SelectField>
  );
}
