/**
 * Which of a pool's tasks the task panel lists, and in what words (XenCenter's MeddlingActionManager):
 * - tasks this window started: the title it recorded ("Stop container", "prometheus on monitoring");
 * - tasks XenDeck started earlier or from another window: the title and object it wrote into the task's
 *   other_config when it started them (XenCenter marks its tasks the same way, with "XenCenterUUID" and
 *   "applies_to"), so a reload keeps "Stop container" where the server only says `Async.host.call_plugin`;
 * - other clients' tasks for operations worth following (start, shut down, migrate, snapshot, copy…),
 *   named from the method and the object in other_config.applies_to.
 * Everything else stays out, as in XenCenter: subtasks of another task, and the short-lived tasks xapi
 * makes for synchronous calls (a Processes tab reading host.call_plugin get_top every 20 s, a setter).
 */
import type { TaskRecord } from '../../../shared/xapi/generated/records';
import type { ClassMap, MirrorState } from '../../store';
import { isNullRef } from '../../store/object-id';
import { taskKey, type LaunchInfo, type TaskLogState } from './task-log';
import { isFollowedOperation, methodWords } from './task-words';

/** XenCenter's key: the refs the task acts on, comma-separated (Task.AppliesTo). */
export const APPLIES_TO_KEY = 'applies_to';
/** XenDeck's keys: the task's title and the name of its object, as the window that started it worded them. */
export const TITLE_KEY = 'xendeck_title';
export const OBJECT_KEY = 'xendeck_object';

export interface TaskWords {
  title: string;
  targetName: string;
  targetRef?: string;
}

/** The other_config entries that let every XenDeck window (and XenCenter, for applies_to) name a task XenDeck started. */
export function taskLabels(info: Pick<LaunchInfo, 'title' | 'targetName' | 'targetRef'>): Record<string, string> {
  return { [TITLE_KEY]: info.title, [OBJECT_KEY]: info.targetName, ...(info.targetRef ? { [APPLIES_TO_KEY]: info.targetRef } : {}) };
}

const NAMED_CLASSES = ['VM', 'host', 'SR', 'pool', 'network', 'VDI'] as const;

function objectName(state: MirrorState, connectionId: string, ref: string | undefined): string | undefined {
  if (!ref) return undefined;
  const objects = state.mirrors[connectionId]?.objects;
  for (const cls of NAMED_CLASSES) {
    const record = (objects?.[cls] as ClassMap<typeof cls> | undefined)?.get(ref);
    if (record) return record.name_label || '—';
  }
  return undefined;
}

/**
 * The words for a task this window did not start, or undefined when the panel leaves it out. A task whose
 * parent is still on the pool is part of that parent's work; a task of an operation not worth following is
 * one of xapi's per-call tasks (or another tool's bookkeeping) unless XenDeck labelled it.
 */
export function describeTask(state: MirrorState, connectionId: string, task: TaskRecord): TaskWords | undefined {
  const oc = task.other_config ?? {};
  const targetRef = oc[APPLIES_TO_KEY]?.split(',')[0] || undefined;
  const title = oc[TITLE_KEY];
  if (title) return { title, targetName: oc[OBJECT_KEY] || objectName(state, connectionId, targetRef) || '—', targetRef };
  const parent = isNullRef(task.subtask_of) ? undefined : (state.mirrors[connectionId]?.objects.task as ClassMap<'task'> | undefined)?.get(task.subtask_of);
  if (parent || !isFollowedOperation(task.name_label)) return undefined;
  const name = objectName(state, connectionId, targetRef);
  return name !== undefined ? { title: methodWords(task.name_label), targetName: name, targetRef } : { title: methodWords(task.name_label), targetName: task.name_description || '—' };
}

/**
 * How the panel names one of a pool's tasks: as this window worded it when it started it, else as
 * describeTask words it; undefined when the panel leaves it out. The rows and the tab's count both ask this.
 */
export function listedTaskWords(state: MirrorState, launched: TaskLogState['launched'], connectionId: string, ref: string, task: TaskRecord): TaskWords | undefined {
  return launched[taskKey(connectionId, ref)] ?? describeTask(state, connectionId, task);
}
