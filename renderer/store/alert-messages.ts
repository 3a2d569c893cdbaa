/**
 * Which XAPI messages are alerts. XenCenter (MainWindow.MessageCollectionChanged) leaves out of its
 * alerts, and so out of the alert count, the messages it draws on the performance graphs instead
 * (Message.ShowOnGraphs: VM_CLONED, VM_CRASHED, VM_REBOOTED, VM_RESUMED, VM_SHUTDOWN, VM_STARTED,
 * VM_SUSPENDED) and HA_POOL_OVERCOMMITTED (Message.IsSquelched: HA_POOL_DROP_IN_PLAN_EXISTS_FOR comes with
 * it). The VM lifecycle messages xapi gained after that list (VM_MIGRATED, VM_PAUSED, VM_UNPAUSED,
 * VM_SNAPSHOTTED, VM_CHECKPOINTED, VM_SNAPSHOT_REVERTED: priority 5, a record of what a user did) are the
 * same kind and are left out too, so ordinary work never raises the count. They stay in the object's Logs
 * tab and on its graphs.
 */
import type { MessageRecord } from '../../shared/xapi/generated/records';

/** Lifecycle events: on the graphs and in the Logs tab, not alerts. */
export const LIFECYCLE_MESSAGES: ReadonlySet<string> = new Set([
  'VM_CLONED', 'VM_CRASHED', 'VM_REBOOTED', 'VM_RESUMED', 'VM_SHUTDOWN', 'VM_STARTED', 'VM_SUSPENDED',
  'VM_MIGRATED', 'VM_PAUSED', 'VM_UNPAUSED', 'VM_SNAPSHOTTED', 'VM_CHECKPOINTED', 'VM_SNAPSHOT_REVERTED',
]);

/** Shown only through the message that accompanies them. */
const SQUELCHED: ReadonlySet<string> = new Set(['HA_POOL_OVERCOMMITTED']);

export function isAlert(m: Pick<MessageRecord, 'name'>): boolean {
  return !LIFECYCLE_MESSAGES.has(m.name) && !SQUELCHED.has(m.name);
}
