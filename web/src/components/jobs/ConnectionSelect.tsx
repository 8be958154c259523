// Picks a connection by name from GET /connections, filtered to the kinds a field takes. For
// callers who may not list connections (403), it is a text input for the name instead.
import { type Connection, useConnectionKinds, useConnections } from '../../api/connections';
import { useI18n } from '../../i18n';
import { SelectField, TextField } from '../Field';

export type ConnectionUse = 'sql' | 'storage';

/** Whether a connection serves `use`: storage folders, or the kinds the server marks as SQL. */
export function servesUse(
  connection: Connection,
  use: ConnectionUse,
  sqlKinds: ReadonlySet<string> | null,
): boolean {
  if (use === 'storage') return connection.kind === 'storage';
  return sqlKinds ? sqlKinds.has(connection.kind) : connection.kind !== 'storage';
}

interface ConnectionSelectProps {
  use: ConnectionUse;
  label: string;
  name: string;
  value: string;
  onChange: (value: string) => void;
  /** The first option's text: what an empty value means. */
  emptyOption: string;
  /** Said when there is no connection of the kind. */
  noneText?: string;
  hint?: string | undefined;
  error?: string | undefined;
  required?: boolean;
}

export function ConnectionSelect(props: ConnectionSelectProps) {
  const { m } = useI18n();
  const connections = useConnections();
  const kinds = useConnectionKinds();
  if (connections.isError) {
    return (
      <TextField
        label={props.label}
        name={props.name}
        autoComplete="off"
        spellCheck={false}
        required={props.required}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        hint={[props.hint, m.jobs.sql.typeConnection].filter(Boolean).join(' ')}
        error={props.error}
      />
    );
  }
  const sqlKinds = kinds.data
    ? new Set(kinds.data.filter((kind) => kind.sql).map((kind) => kind.name as string))
    : null;
  const names = (connections.data ?? [])
    .filter((connection) => servesUse(connection, props.use, sqlKinds))
    .map((connection) => connection.name);
  // A stored name that is gone (or not yet listed) still shows, so saving does not drop it.
  if (props.value && !names.includes(props.value)) names.unshift(props.value);
  const none = connections.isSuccess && names.length === 0 ? props.noneText : undefined;
  return (
    <SelectField
      label={props.label}
      name={props.name}
      required={props.required}
      value={props.value}
      onChange={(e) => props.onChange(e.target.value)}
      hint={[props.hint, none].filter(Boolean).join(' ') || undefined}
      error={props.error}
    >
      <option value="">{connections.isPending ? m.common.loading : props.emptyOption}</option>
      {names.map((name) => (
        <option key={name} value={name}>
          {name}
        </option>
      ))}
    </SelectField>
  );
}
