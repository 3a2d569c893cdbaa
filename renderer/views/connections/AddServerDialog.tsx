/**
 * "Add server": address, user, password, remember me. The form is checked before anything is sent;
 * a failure keeps everything typed and says what went wrong in words with XAPI's code. When the
 * address was a pool member, the connection manager follows HOST_IS_SLAVE to the master by itself and
 * the dialog shows its note before closing. A certificate seen for the first time is asked about by
 * <CertificatePrompt> (mounted by the window) while this dialog waits. An http:// address that is not
 * this computer's asks first whether to send the password unencrypted (add-server-form.ts).
 */
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { AppInfo, BridgeErrorShape, ConnectionInfo } from '../../../shared/bridge';
import { useBridge } from '../../bridge-context';
import { Dialog, Field, fieldAria } from '../../components/Dialog';
import { connectionErrorText } from './connection-errors';
import { addServerArgs, cleartextHost, httpsVariant, validateAddServer, type AddServerErrors, type AddServerForm } from './add-server-form';
import { SecretStorageNote } from './SecretStorageNote';

type Phase =
  | { kind: 'form' }
  | { kind: 'cleartext'; host: string }
  | { kind: 'connecting' }
  | { kind: 'failed'; error: BridgeErrorShape }
  | { kind: 'connected'; info: ConnectionInfo };

function asError(err: unknown): BridgeErrorShape {
  const e = err as Partial<BridgeErrorShape> | undefined;
  return { code: typeof e?.code === 'string' ? e.code : 'INTERNAL_ERROR', params: Array.isArray(e?.params) ? e.params.map(String) : [], message: typeof e?.message === 'string' ? e.message : String(err) };
}

/** `initial`: fields a xendeck:// link filled in (never the password: the user types it). */
export function AddServerDialog({ onDone, initial }: { onDone: (added: ConnectionInfo | undefined) => void; initial?: { address: string; user?: string } }) {
  const bridge = useBridge();
  const id = useId();
  const [form, setForm] = useState<AddServerForm>({ address: initial?.address ?? '', user: initial?.user ?? 'root', password: '', remember: true });
  const [errors, setErrors] = useState<AddServerErrors>({});
  const [phase, setPhase] = useState<Phase>({ kind: 'form' });
  const [info, setInfo] = useState<AppInfo>();
  /** A connection the manager saved although its first login failed: forgotten before trying again. */
  const failedId = useRef<string | undefined>(undefined);
  /** The http:// address the user agreed to send the password to unencrypted. */
  const cleartextConfirmed = useRef<string | undefined>(undefined);
  const live = useRef(true);

  useEffect(() => {
    live.current = true;
    bridge.request('app.info', undefined).then(
      (i) => live.current && setInfo(i),
      () => undefined,
    );
    return () => {
      live.current = false;
    };
  }, [bridge]);

  const set = <K extends keyof AddServerForm>(key: K, value: AddServerForm[K]) => {
    setForm((f) => ({ ...f, [key]: value }));
    // Editing a field clears its message; the next Add checks everything again.
    if (key === 'address' || key === 'user') {
      const field = key as 'address' | 'user';
      setErrors((e) => (e[field] ? { ...e, [field]: undefined } : e));
    }
  };

  /** Waits until the new connection is connected or has failed (the manager may answer while still logging in). */
  const settle = (added: ConnectionInfo): Promise<ConnectionInfo> =>
    new Promise((resolve) => {
      const done = (c: ConnectionInfo) => c.status.state === 'connected' || (c.status.state !== 'connecting' && 'error' in c.status && c.status.error);
      if (done(added)) return resolve(added);
      const off = bridge.on('connections.changed', (all) => {
        const c = all.find((x) => x.id === added.id);
        if (!c) {
          off();
          resolve({ ...added, status: { state: 'disconnected', error: { code: 'CONNECTION_FAILED', params: [added.address], message: 'The connection was removed' } } });
        } else if (done(c)) {
          off();
          resolve(c);
        }
      });
    });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const problems = validateAddServer(form);
    setErrors(problems);
    if (problems.address || problems.user) {
      document.getElementById(`${id}-${problems.address ? 'address' : 'user'}`)?.focus();
      return;
    }
    const host = cleartextHost(form.address);
    if (host && cleartextConfirmed.current !== form.address.trim()) {
      setPhase({ kind: 'cleartext', host });
      return;
    }
    void connect();
  };

  const connect = async () => {
    setPhase({ kind: 'connecting' });
    try {
      if (failedId.current) {
        await bridge.request('connections.forget', { id: failedId.current }).catch(() => undefined);
        failedId.current = undefined;
      }
      const added = await settle(await bridge.request('connections.add', addServerArgs(form)));
      if (!live.current) return;
      if (added.status.state === 'connected') {
        if (added.note) setPhase({ kind: 'connected', info: added });
        else onDone(added);
        return;
      }
      failedId.current = added.id;
      const error = 'error' in added.status && added.status.error ? added.status.error : { code: 'CONNECTION_FAILED', params: [added.address], message: 'Not connected' };
      setPhase({ kind: 'failed', error });
    } catch (err) {
      if (live.current) setPhase({ kind: 'failed', error: asError(err) });
    }
  };

  if (phase.kind === 'cleartext') {
    const address = form.address.trim();
    return (
      <Dialog
        key="cleartext"
        title="Send the password unencrypted?"
        tone="alert"
        describedBy={`${id}-cleartext`}
        onClose={() => setPhase({ kind: 'form' })}
        footer={
          <>
            <button
              type="button"
              className="button"
              onClick={() => {
                cleartextConfirmed.current = address;
                void connect();
              }}
            >
              Connect unencrypted
            </button>
            <button
              type="button"
              className="button button-primary"
              data-autofocus
              onClick={() => {
                set('address', httpsVariant(address));
                setPhase({ kind: 'form' });
              }}
            >
              Use https instead
            </button>
          </>
        }
      >
        <p id={`${id}-cleartext`}>
          {address} is a plain HTTP address. Your user name and password, and everything XenDeck and {phase.host} say to each other, would cross the network
          unencrypted: anyone on the way could read them, or change what the server answers.
        </p>
        <p>Use https:// (XAPI serves it on port 443) unless this network is one you trust completely.</p>
      </Dialog>
    );
  }

  if (phase.kind === 'connected') {
    return (
      <Dialog
        title={`Connected to ${phase.info.label || phase.info.address}`}
        onClose={() => onDone(phase.info)}
        footer={
          <button type="button" className="button button-primary" data-autofocus onClick={() => onDone(phase.info)}>
            OK
          </button>
        }
      >
        <p className="note" role="status">
          {phase.info.note}
        </p>
      </Dialog>
    );
  }

  const busy = phase.kind === 'connecting';
  const failure = phase.kind === 'failed' ? connectionErrorText(phase.error, form.address.trim()) : undefined;

  return (
    // Keyed: coming back from the question above mounts the form again (focus in its first field).
    <Dialog key="form" title="Add server" onClose={busy ? undefined : () => onDone(undefined)}>
      <form onSubmit={submit} noValidate aria-busy={busy}>
        {failure && phase.kind === 'failed' && (
          <div className="error-block" role="alert">
            {/* The connection manager words its failures (with the address it tried); our table is the fallback. */}
            {phase.error.message && phase.error.message !== phase.error.code ? (
              <p>{phase.error.message}</p>
            ) : (
              <>
                <p>{failure.summary}</p>
                <p>{failure.advice}</p>
              </>
            )}
            <p className="error-code">
              {phase.error.code}
              {phase.error.params.length ? ` (${phase.error.params.join(', ')})` : ''}
            </p>
          </div>
        )}
        <Field label="Server" htmlFor={`${id}-address`} error={errors.address} hint="Pool master address: host name, IP, host:port, [IPv6]:port or https://… URL">
          <input
            className="text-input"
            {...fieldAria(`${id}-address`, errors.address, true)}
            value={form.address}
            onChange={(e) => set('address', e.target.value)}
            autoComplete="url"
            spellCheck={false}
            disabled={busy}
            data-autofocus
          />
        </Field>
        <Field label="User name" htmlFor={`${id}-user`} error={errors.user}>
          <input className="text-input" {...fieldAria(`${id}-user`, errors.user)} value={form.user} onChange={(e) => set('user', e.target.value)} autoComplete="username" spellCheck={false} disabled={busy} />
        </Field>
        <Field label="Password" htmlFor={`${id}-password`}>
          <input className="text-input" id={`${id}-password`} type="password" value={form.password} onChange={(e) => set('password', e.target.value)} autoComplete="current-password" disabled={busy} />
        </Field>
        <label className="checkbox-row">
          <input type="checkbox" checked={form.remember} onChange={(e) => set('remember', e.target.checked)} disabled={busy} />
          <span>Remember me (reconnect at start)</span>
        </label>
        {form.remember && <SecretStorageNote info={info} />}
        <div className="dialog-actions">
          <button type="button" className="button" onClick={() => onDone(undefined)} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy ? 'Connecting…' : 'Add'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
