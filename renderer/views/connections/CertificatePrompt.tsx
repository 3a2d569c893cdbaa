/**
 * Trust on first use. The main process asks (event `connections.certificatePrompt`) when a server
 * shows a certificate it has not pinned: its SHA-256 fingerprint, subject, issuer and validity, and the
 * user trusts it or not (`connections.answerCertificate`). A certificate that differs from the pinned
 * one is a warning, with the old and new fingerprints side by side and Cancel as the default.
 * Prompts queue: one dialog at a time, in arrival order.
 */
import { useEffect, useId, useState } from 'react';
import type { BridgeEvents } from '../../../shared/bridge';
import { useBridge } from '../../bridge-context';
import { useConnections } from '../../store';
import { Dialog } from '../../components/Dialog';
import { appTaskLog, recordLaunchFailure } from '../tasks/task-log';

type Prompt = BridgeEvents['connections.certificatePrompt'];

/** Groups a hex fingerprint as AB:CD:… (some sources send it bare), so it can be compared by eye. */
export function formatFingerprint(fp: string): string {
  const hex = fp.replace(/[^0-9a-f]/gi, '').toUpperCase();
  return hex.length ? (hex.match(/.{1,2}/g) ?? []).join(':') : fp;
}

/** Line breaks only between byte pairs, so no pair is split across lines when comparing by eye. */
function GroupedFingerprint({ value }: { value: string }) {
  const pairs = formatFingerprint(value).split(':');
  return (
    <>
      {pairs.map((pair, i) => (
        <span key={i}>
          {pair}
          {i < pairs.length - 1 && (
            <>
              :<wbr />
            </>
          )}
        </span>
      ))}
    </>
  );
}

function validity(from: string, to: string, now = Date.now()): { text: string; problem?: string } {
  const a = Date.parse(from);
  const b = Date.parse(to);
  const fmt = (ms: number, raw: string) => (Number.isFinite(ms) ? new Date(ms).toLocaleDateString() : raw);
  const text = `${fmt(a, from)} to ${fmt(b, to)}`;
  if (Number.isFinite(b) && b < now) return { text, problem: 'This certificate has expired.' };
  if (Number.isFinite(a) && a > now) return { text, problem: 'This certificate is not valid yet (check the clocks).' };
  return { text };
}

export function CertificatePrompt() {
  const bridge = useBridge();
  const [queue, setQueue] = useState<Prompt[]>([]);
  const bodyId = useId();

  const connections = useConnections();
  // A newer prompt for the same connection replaces the older one (a retry saw the certificate again).
  useEffect(() => bridge.on('connections.certificatePrompt', (p) => setQueue((q) => [...q.filter((x) => x.id !== p.id), p])), [bridge]);

  // A forgotten server asks nothing more.
  const current = queue.find((p) => connections.some((c) => c.id === p.id));
  if (!current) return null;
  const { certificate: cert, previousFingerprint256: previous } = current;
  const changed = Boolean(previous && previous !== cert.fingerprint256);
  const valid = validity(cert.validFrom, cert.validTo);

  // The answered prompt goes, not whatever is first by then: a prompt that replaced it meanwhile (another host
  // of the pool) is still to be answered after a trust. A refusal covers the whole pool, as the backend takes it.
  const answered = (trust: boolean) => setQueue((q) => q.filter((p) => p !== current && (trust || p.id !== current.id)));
  const answer = async (trust: boolean) => {
    try {
      await bridge.request('connections.answerCertificate', { id: current.id, fingerprint256: cert.fingerprint256, trust });
      answered(trust);
    } catch (err) {
      // The backend no longer waits for this answer (the prompt is stale): drop it, and say why in the task panel.
      answered(trust);
      recordLaunchFailure(appTaskLog, { connectionId: current.id, title: trust ? 'Trust certificate' : 'Refuse certificate', targetName: cert.host }, err);
    }
  };

  return (
    <Dialog
      title={changed ? `The certificate of ${cert.host} has changed` : `Trust the certificate of ${cert.host}?`}
      tone={changed ? 'alert' : 'normal'}
      onClose={() => void answer(false)}
      describedBy={bodyId}
      width="wide"
      footer={
        <>
          <button type="button" className="button" data-autofocus={changed || undefined} onClick={() => void answer(false)}>
            Cancel
          </button>
          <button type="button" className={`button ${changed ? 'button-danger' : 'button-primary'}`} data-autofocus={!changed || undefined} onClick={() => void answer(true)}>
            {changed ? 'Trust the new certificate' : 'Trust'}
          </button>
        </>
      }
    >
      <div id={bodyId}>
        {changed ? (
          <div className="warning-block" role="alert">
            <p>
              <strong>This is not the certificate you trusted before.</strong> If the host’s certificate was not replaced on purpose (reinstall, new certificate), someone may be intercepting the connection. Compare the new fingerprint with the one the host shows (xe host-param-get or its console) before trusting it.
            </p>
          </div>
        ) : (
          <p>XenDeck has not seen this server before. Its certificate is not signed by an authority this computer knows (usual for XAPI hosts). Compare the fingerprint with the one the host shows before trusting it; XenDeck will remember your choice.</p>
        )}
      </div>
      <dl className="property-list cert-details">
        {changed && previous && (
          <div className="property-row">
            <dt>Trusted fingerprint (old)</dt>
            <dd className="fingerprint fingerprint-old" aria-label={`Old SHA-256 fingerprint ${formatFingerprint(previous)}`}>
              <GroupedFingerprint value={previous} />
            </dd>
          </div>
        )}
        <div className="property-row">
          <dt>{changed ? 'Presented fingerprint (new)' : 'SHA-256 fingerprint'}</dt>
          <dd className="fingerprint" data-testid="certificate-fingerprint">
            <GroupedFingerprint value={cert.fingerprint256} />
          </dd>
        </div>
        <div className="property-row">
          <dt>Subject</dt>
          <dd>{cert.subject || '—'}</dd>
        </div>
        <div className="property-row">
          <dt>Issuer</dt>
          <dd>
            {cert.issuer || '—'}
            {cert.issuer && cert.issuer === cert.subject ? ' (self-signed)' : ''}
          </dd>
        </div>
        <div className="property-row">
          <dt>Valid</dt>
          <dd>
            {valid.text}
            {valid.problem && <span className="field-error"> {valid.problem}</span>}
          </dd>
        </div>
      </dl>
    </Dialog>
  );
}
