/** A pool's users (read-only): external authentication and the subjects with their roles. */
import { PropertyList } from '../../../components/PropertyList';
import { useClassMap } from '../../../store/hooks';
import type { XapiObjectTabProps } from '../../object-tabs';

export default function UsersTab({ target }: XapiObjectTabProps) {
  const subjects = useClassMap(target.connectionId, 'subject');
  const roles = useClassMap(target.connectionId, 'role');
  const hosts = useClassMap(target.connectionId, 'host');
  const master = [...hosts.values()][0];
  const auth = master?.external_auth_type || '';
  const list = [...subjects.values()].sort((a, b) => (a.other_config?.['subject-name'] ?? '').localeCompare(b.other_config?.['subject-name'] ?? ''));
  return (
    <div className="view-users">
      <PropertyList
        title="Authentication"
        rows={[
          ['External authentication', auth ? `${auth} (${master?.external_auth_service_name || 'no domain'})` : 'Not configured: only local root can log in'],
          ['Local superuser', 'root (always has the pool-admin role)'],
        ]}
      />
      <table className="data-table" aria-label="Users and groups">
        <caption className="section-title">Users and groups</caption>
        <thead>
          <tr>
            <th>Name</th>
            <th>Kind</th>
            <th>Roles</th>
          </tr>
        </thead>
        <tbody>
          {list.length === 0 && (
            <tr>
              <td colSpan={3} className="muted">
                No users or groups were added to this pool.
              </td>
            </tr>
          )}
          {list.map((s) => (
            <tr key={s.uuid}>
              <td>{s.other_config?.['subject-displayname'] || s.other_config?.['subject-name'] || s.subject_identifier}</td>
              <td>{s.other_config?.['subject-is-group'] === 'true' ? 'Group' : 'User'}</td>
              <td>{s.roles.map((r) => roles.get(r)?.name_label ?? r).join(', ') || '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
