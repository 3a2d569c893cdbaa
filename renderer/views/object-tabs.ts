/**
 * The tabs of each kind of object, in order. To add a tab, add ONE line to OBJECT_TABS:
 *
 *   { id: 'performance', label: 'Performance', kinds: ['host', 'vm'], component: lazy(() => import('./performance/PerformanceObjectTab')) },
 *
 * A tab component receives ObjectTabProps (the target; read records with the store's hooks). `when`
 * hides a tab for some objects of a kind (e.g. only running VMs); keep it to facts that rarely change,
 * so tabs do not jump under the user. Components load lazily: a tab's code is fetched on first use.
 */
import { lazy, type ComponentType } from 'react';
import type { XapiRecordByClass } from '../../shared/xapi/generated/records';
import type { ConnectionTarget, ContainerTarget, ObjectTarget, Target } from '../store/object-id';
import type { ObjectKind } from './tabs/object-kind';
import { isWindowsVm } from './containers/vm-containers';

export type { ObjectKind } from './tabs/object-kind';

export interface ObjectTabProps {
  /** The object shown; for connections (not yet loaded pools) a ConnectionTarget; for Docker containers a ContainerTarget. */
  target: Target;
  kind: ObjectKind;
}

/** Props of tabs registered for connections only. */
export interface ConnectionTabProps extends ObjectTabProps {
  target: ConnectionTarget;
}

/** Props of tabs registered for Docker containers only (views/containers). */
export interface ContainerTabProps extends ObjectTabProps {
  target: ContainerTarget;
}

/** Props of tabs registered for XAPI objects only (not connections). */
export interface XapiObjectTabProps extends ObjectTabProps {
  target: ObjectTarget;
}

export interface ObjectTabDef {
  id: string;
  label: string;
  kinds: readonly ObjectKind[];
  component: ComponentType<ObjectTabProps> | ComponentType<XapiObjectTabProps> | ComponentType<ConnectionTabProps> | ComponentType<ContainerTabProps>;
  /** For a container, `record` is its VM's. */
  when?: (record: XapiRecordByClass[keyof XapiRecordByClass] | undefined, kind: ObjectKind) => boolean;
}

export const OBJECT_TABS: readonly ObjectTabDef[] = [
  { id: 'general', label: 'General', kinds: ['connection'], component: lazy(() => import('./general/ConnectionGeneralTab')) },
  { id: 'general', label: 'General', kinds: ['pool', 'host', 'vm', 'template', 'snapshot', 'sr', 'network'], component: lazy(() => import('./general/GeneralTab')) },
  { id: 'memory', label: 'Memory', kinds: ['pool', 'host', 'vm', 'template'], component: lazy(() => import('./tabs/memory/MemoryTab')) },
  { id: 'storage', label: 'Storage', kinds: ['pool', 'host', 'vm', 'template', 'sr'], component: lazy(() => import('./tabs/storage/StorageTab')) },
  { id: 'networking', label: 'Networking', kinds: ['pool', 'host', 'vm', 'template', 'network'], component: lazy(() => import('./tabs/networking/NetworkingTab')) },
  { id: 'nics', label: 'NICs', kinds: ['host'], component: lazy(() => import('./tabs/networking/NicsTab')) },
  { id: 'ha', label: 'HA', kinds: ['pool'], component: lazy(() => import('./ha/HaTab')) },
  // The Console tab shows every VM (a halted one says so and offers Start), so the tab does not appear and vanish with the power state.
  { id: 'console', label: 'Console', kinds: ['vm', 'host'], component: lazy(() => import('./tabs/ConsoleObjectTab')) },
  { id: 'snapshots', label: 'Snapshots', kinds: ['vm'], component: lazy(() => import('./snapshots/SnapshotsTab')) },
  { id: 'performance', label: 'Performance', kinds: ['host', 'vm'], component: lazy(() => import('./performance/PerformanceObjectTab')) },
  { id: 'users', label: 'Users', kinds: ['pool'], component: lazy(() => import('./tabs/users/UsersTab')) },
  { id: 'logs', label: 'Logs', kinds: ['pool', 'host', 'vm', 'template', 'sr'], component: lazy(() => import('./tabs/logs/LogsTab')) },
  // Docker containers (XenCenter's container tabs): Processes is not offered for Windows guests.
  { id: 'general', label: 'General', kinds: ['container'], component: lazy(() => import('./containers/ContainerGeneralTab')) },
  { id: 'container-processes', label: 'Processes', kinds: ['container'], component: lazy(() => import('./containers/ContainerProcessesTab')), when: (vm) => !vm || !isWindowsVm(vm as XapiRecordByClass['VM']) },
  { id: 'container-details', label: 'Details', kinds: ['container'], component: lazy(() => import('./containers/ContainerDetailsTab')) },
];

export function tabsFor(kind: ObjectKind, record: XapiRecordByClass[keyof XapiRecordByClass] | undefined): ObjectTabDef[] {
  return OBJECT_TABS.filter((t) => t.kinds.includes(kind) && (!t.when || t.when(record, kind)));
}
