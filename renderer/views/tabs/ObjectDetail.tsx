/**
 * The right pane: the selected object's name and its tabs (from object-tabs.ts). The tab chosen is
 * remembered per object, and per kind as the default for objects not visited yet, so moving from VM to
 * VM keeps the Memory tab open as XenCenter does.
 */
import { Suspense, type ComponentType } from 'react';
import type { XapiRecordByClass } from '../../../shared/xapi/generated/records';
import { ErrorBoundary } from '../../components/ErrorBoundary';
import { Tabs } from '../../components/Tabs';
import { useActiveTab, useConnection, useMirrorStoreApi, useRecord } from '../../store/hooks';
import { connectionNodeId, objectId, type Target } from '../../store/object-id';
import { tabsFor, type ObjectTabProps } from '../object-tabs';
import { connectionName } from '../tree/connection-status';
import { ObjectIcon } from '../tree/ObjectIcon';
import { objectKind } from './object-kind';

type AnyRecord = XapiRecordByClass[keyof XapiRecordByClass];

export function ObjectDetail({ target, count }: { target: Target; count: number }) {
  const store = useMirrorStoreApi();
  const connection = useConnection(target.connectionId);
  const record = useRecord(target.connectionId, target.kind === 'object' ? target.cls : 'pool', target.kind === 'object' ? target.ref : undefined) as AnyRecord | undefined;
  const kind = objectKind(target, record);
  const id = target.kind === 'object' ? objectId(target.connectionId, target.cls, target.ref) : connectionNodeId(target.connectionId);
  const chosen = useActiveTab(id);
  const kindDefault = useActiveTab(`kind:${kind}`);
  const tabs = tabsFor(kind, record);

  if (target.kind === 'object' && !record) {
    return (
      <div className="detail-empty" role="status">
        <p className="muted">This object no longer exists.</p>
      </div>
    );
  }
  const name =
    target.kind === 'connection' ? (connection ? connectionName(connection) : target.connectionId)
    : (record as { name_label?: string }).name_label || (kind === 'pool' && connection ? connectionName(connection) : '(unnamed)');
  const selectedTab = [chosen, kindDefault].find((t) => t && tabs.some((d) => d.id === t)) ?? tabs[0]?.id ?? '';
  const def = tabs.find((t) => t.id === selectedTab);
  const Component = def?.component as ComponentType<ObjectTabProps> | undefined;
  const state = kind === 'vm' ? (record as XapiRecordByClass['VM']).power_state.toLowerCase() : undefined;

  return (
    <section className="object-detail" aria-label={name}>
      <header className="detail-header">
        <ObjectIcon kind={kind === 'other' ? 'group' : kind} state={state as never} />
        <span className="detail-title">{name}</span>
        {count > 1 && <span className="detail-count muted">and {count - 1} more selected</span>}
      </header>
      <Tabs
        label={`${name} views`}
        tabs={tabs.map((t) => ({ id: t.id, label: t.label }))}
        selected={selectedTab}
        onSelect={(tab) => {
          store.getState().setActiveTab(id, tab);
          store.getState().setActiveTab(`kind:${kind}`, tab);
        }}
      >
        <ErrorBoundary region={`the ${def?.label ?? ''} tab`} key={`${id}:${selectedTab}`}>
          <Suspense fallback={<p className="muted">Loading…</p>}>{Component && <Component target={target} kind={kind} />}</Suspense>
        </ErrorBoundary>
      </Tabs>
    </section>
  );
}
