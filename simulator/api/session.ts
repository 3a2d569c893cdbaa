/** session.*: login (HOST_IS_SLAVE on a pool member), logout, subjects. */
import type { ApiRegistry } from '../rpc/api-registry';
import type { CallContext } from '../rpc/call-context';
import { XapiError } from '../xapi-error';

function checkCredentials(call: CallContext, user: string, password: string): void {
  if (user !== 'root' || password !== call.sim.password) {
    throw new XapiError('SESSION_AUTHENTICATION_FAILED', [user, 'Authentication failure']);
  }
}

export function installSessionApi(api: ApiRegistry): void {
  api.register('session.login_with_password', (call, user: string, password: string, _version?: string, originator?: string) => {
    // xapi answers a login on a member with the master's address; clients reconnect there.
    if (!call.host.isMaster) throw new XapiError('HOST_IS_SLAVE', [call.pool.master.address]);
    checkCredentials(call, user, password);
    return call.pool.sessions.open(user, originator ?? '', call.host.ref).ref;
  });
  api.register('session.slave_local_login_with_password', (call, user: string, password: string) => {
    checkCredentials(call, user, password);
    return call.pool.sessions.open(user, 'slave_local', call.host.ref).ref;
  });
  api.register('session.logout', (call) => call.pool.sessions.close(call.session!.ref));
  api.register('session.local_logout', (call) => call.pool.sessions.close(call.session!.ref));
  api.register('session.get_all_subject_identifiers', (call) => {
    const ids: string[] = [];
    for (const [, s] of call.db.all('subject')) ids.push(String(s.subject_identifier));
    return ids;
  });
  api.register('session.logout_subject_identifier', (call, sid: string) => {
    for (const s of call.pool.sessions.all()) {
      const rec = call.db.find('session', s.ref);
      if (rec?.auth_user_sid === sid) call.pool.sessions.close(s.ref);
    }
  });
  api.register('session.change_password', (call, oldPwd: string, newPwd: string) => {
    if (oldPwd !== call.sim.password) throw new XapiError('SESSION_AUTHENTICATION_FAILED', [call.session!.user, 'Authentication failure']);
    (call.sim as { password: string }).password = newPwd;
  });
}
