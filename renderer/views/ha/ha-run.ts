/**
 * Sends an HA plan's calls (ha-steps.ts) one after the other, stopping at the first refusal as
 * XenCenter's actions do. The small setters are plain calls (a refusal is listed in the task panel under
 * the step's title); the last call is a task whose progress the panel shows (enable_ha, sync_database,
 * disable_ha). Resolves with how that task ended.
 */
import type { Bridge } from '../../../shared/bridge';
import { callRecorded, launch, waitForTask, type TaskOutcome } from '../../actions/run-tasks';
import { appStore, type MirrorStore } from '../../store';
import { appTaskLog, type TaskLog } from '../tasks/task-log';
import type { HaStep } from './ha-steps';

export interface RunOptions {
  store?: MirrorStore;
  log?: TaskLog;
}

export async function runHaSteps(bridge: Bridge, connectionId: string, title: string, steps: readonly HaStep[], options: RunOptions = {}): Promise<TaskOutcome> {
  const { store = appStore, log = appTaskLog } = options;
  for (const step of steps) {
    const info = { connectionId, title, targetName: step.targetName, targetRef: step.targetRef };
    if (step.async) {
      const task = await launch(bridge, { ...info, method: step.method, params: step.params }, log);
      if (!task) return { status: 'failure', error: log.getState().finished[0]?.error ?? { code: 'INTERNAL_ERROR', params: [] } };
      return waitForTask(connectionId, task, store, log);
    }
    try {
      await callRecorded(bridge, info, step.method, step.params, log);
    } catch (err) {
      const e = err as { code?: string; params?: string[] };
      return { status: 'failure', error: { code: e.code ?? 'INTERNAL_ERROR', params: e.params ?? [] } };
    }
  }
  return { status: 'success' };
}
