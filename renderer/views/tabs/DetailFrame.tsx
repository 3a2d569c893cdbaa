/**
 * The header and tabs of the selected object (tabs from object-tabs.ts). The tab chosen is remembered per
 * object, and per kind as the default for objects not visited yet, so moving from VM to VM keeps the Memory
 * tab open as XenCenter does.
 */
import { Suspense, type ComponentType } from 'react';
import type { XapiRecordByClass } from '../../../shared/xapi/generated/records';
import { ErrorBoundary } from '../../components/ErrorBoundary';
import { Tabs } from '../../components/Tabs';
import { useActiveTab, useMirrorStoreApi } from '../../store/hooks';
import { targetId, type Target } from '../../store/object-id';
import { tabsFor, type ObjectTabProps } from '../object-tabs';
import { ObjectIcon } from '../tree/ObjectIcon';
import type { NodeState } from '../tree/tree-model';
import type { ObjectKind } from './object-kind';

export type AnyRecord = XapiRecordByClass[keyof XapiRecordByClass];

export interface DetailFrameProps {
  target: Target;
  kind: ObjectKind;
  /** What `when` of the tab definitions is given (a container's VM record). */
  record: AnyRecord | undefined;
  name: string;
  state?: NodeState;
  count: number;
}

/** The header and the tabs of whatever is selected (XAPI object, connection or container). */
export function DetailFrame({ target, kind, record, name, state, count }: DetailFrameProps) {
  const store = useMirrorStoreApi();
  const id = targetId(target);
  const chosen = useActiveTab(id);
  const kindDefault = useActiveTab(`kind:${kind}`);
  const tabs = tabsFor(kind, record);
  const selectedTab = [chosen, kindDefault].find((t) => t && tabs.some((d) => d.id === t)) ?? tabs[0]?.id ?? '';
  const def = tabs.find((t) => t.id === selectedTab);
  const Component = def?.component as ComponentType<ObjectTabProps> | undefined;

  return (
    <section className="object-detail" aria-label={name}>
      <header className="detail-header">
        <ObjectIcon kind={kind === 'other' ? 'group' : kind} state={state} />
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
