/**
 * Docker container lifecycle actions (XenCenter's DockerContainerCommand): Start, Stop, Pause, Resume and
 * Restart, offered when the selection is containers, enabled when at least one selected container is in a
 * state that allows it (else disabled with the reason) and run on those that are, one task each: an
 * Async.host.call_plugin(coordinator, "xscontainer", fn, {vmuuid, container: short id}). The plug-in's
 * failure reaches the task panel as XAPI's XENAPI_PLUGIN_FAILURE, worded by renderer/errors.ts; an answer
 * other than "True" is listed there as a failure too.
 *
 * States as Docker allows them: a container that is restarting (a crash loop) can be stopped or restarted,
 * not started (Docker answers "not modified") or paused; pausing is not offered on Windows guests.
 */
import type { Action, KeyBinding } from '../../actions/types';
import type { ActionIconName } from '../../actions/ActionIcon';
import { selectionReason } from '../../actions/disabled-reasons';
import { launchEach, waitForTask, type AsyncCall } from '../../actions/run-tasks';
import type { MirrorState, Target } from '../../store';
import { appTaskLog, recordLaunchFailure } from '../tasks/task-log';
import { coordinatorRef, pluginRefusal, pluginTask, taskResultText, type ContainerFn } from './plugin-calls';
import { displayName, isWindowsVmIn, selectedContainers, type ResolvedContainer } from './vm-containers';

export const NEEDS_CONTAINERS = 'Select one or more Docker containers (under their VM in the tree).';

interface ContainerActionSpec {
  id: string;
  label: string;
  icon: ActionIconName;
  fn: ContainerFn;
  keys?: KeyBinding;
  keywords: readonly string[];
  pairedWith?: string;
  toolbar?: Action['toolbar'];
  /** Why this container cannot take the action now; undefined when it can. */
  reason(r: ResolvedContainer, state: MirrorState): string | undefined;
}

const name = (r: ResolvedContainer) => displayName(r.container);

function startReason(r: ResolvedContainer): string | undefined {
  switch (r.container.state) {
    case 'running':
      return `${name(r)} is already running.`;
    case 'paused':
      return `${name(r)} is paused: resume it instead.`;
    case 'restarting':
      return `${name(r)} is restarting: Docker starts it again by itself (stop it to end the restarts).`;
    case 'removing':
      return `${name(r)} is being removed.`;
    default:
      return undefined;
  }
}

/** Running, or restarting (Docker stops and restarts a container between its restarts too). */
function runningReason(r: ResolvedContainer, what: string): string | undefined {
  const s = r.container.state;
  if (s === 'running' || s === 'restarting') return undefined;
  if (s === 'paused') return `${name(r)} is paused: resume it first.`;
  return `${name(r)} is not running: ${what}.`;
}

function pauseReason(r: ResolvedContainer, state: MirrorState): string | undefined {
  if (isWindowsVmIn(state.mirrors[r.target.connectionId], r.vm)) return `${name(r)} runs on a Windows VM, where containers cannot be paused.`;
  switch (r.container.state) {
    case 'running':
      return undefined;
    case 'paused':
      return `${name(r)} is already paused.`;
    case 'restarting':
      return `${name(r)} is restarting: wait until it runs.`;
    default:
      return `${name(r)} is not running.`;
  }
}

const resumeReason = (r: ResolvedContainer) => (r.container.state === 'paused' ? undefined : `${name(r)} is not paused.`);

/** Every selected target is a container that still exists. */
export function onlyContainers(targets: Target[], state: MirrorState): boolean {
  return targets.length > 0 && selectedContainers(targets, state).length === targets.length;
}

/**
 * After the task: XenCenter takes only an answer starting with "True" as success. Anything else (an old
 * plug-in's "ERROR: …") is listed in the task panel as a failure with the plug-in's words.
 */
async function checkAnswer(call: AsyncCall, taskRef: string | undefined): Promise<void> {
  if (!taskRef) return;
  const outcome = await waitForTask(call.connectionId, taskRef);
  if (outcome.status !== 'success') return;
  const refusal = pluginRefusal(taskResultText(outcome.result));
  if (refusal) recordLaunchFailure(appTaskLog, call, refusal);
}

function containerAction(spec: ContainerActionSpec): Action {
  const able = (targets: Target[], state: MirrorState) => selectedContainers(targets, state).filter((r) => spec.reason(r, state) === undefined);
  return {
    id: spec.id,
    label: spec.label,
    icon: spec.icon,
    group: 'container',
    keys: spec.keys,
    keywords: ['docker', 'container', ...spec.keywords],
    pairedWith: spec.pairedWith,
    toolbar: spec.toolbar,
    needs: NEEDS_CONTAINERS,
    appliesTo: onlyContainers,
    disabledReason(targets, state) {
      const all = selectedContainers(targets, state);
      const reasons = all.map((r) => spec.reason(r, state));
      if (reasons.some((r) => r === undefined)) return undefined;
      return selectionReason(reasons as string[], 'containers');
    },
    async run(ctx) {
      const calls: AsyncCall[] = [];
      for (const r of able(ctx.targets, ctx.state)) {
        const coordinator = coordinatorRef(ctx.state, r.target.connectionId);
        if (!coordinator) continue;
        calls.push(pluginTask(r.target.connectionId, coordinator, spec.fn, { vmuuid: r.vm.uuid, container: r.container.shortId }, {
          title: spec.label,
          targetName: `${name(r)} on ${r.vm.name_label}`,
          vmRef: r.target.vmRef,
        }));
      }
      const refs = await launchEach(ctx.bridge, calls);
      // Not awaited: the action is done once its tasks run; the check only adds a failure line if needed.
      refs.forEach((ref, i) => void checkAnswer(calls[i], ref));
    },
  };
}

export const startContainer = containerAction({
  id: 'container.start', label: 'Start container', icon: 'start', fn: 'start', keys: { key: 'b', ctrl: true }, keywords: ['run'], reason: startReason,
});
export const stopContainer = containerAction({
  id: 'container.stop', label: 'Stop container', icon: 'stop', fn: 'stop', keys: { key: 'e', ctrl: true }, keywords: ['halt', 'kill'], reason: (r) => runningReason(r, 'there is nothing to stop'),
});
export const pauseContainer = containerAction({
  id: 'container.pause', label: 'Pause container', icon: 'pause', fn: 'pause', keywords: ['freeze'], reason: pauseReason,
});
export const resumeContainer = containerAction({
  id: 'container.resume', label: 'Resume container', icon: 'resume', fn: 'unpause', keywords: ['unpause', 'unfreeze'], pairedWith: 'container.pause', reason: resumeReason,
});
export const restartContainer = containerAction({
  id: 'container.restart', label: 'Restart container', icon: 'reboot', fn: 'restart', keys: { key: 'r', ctrl: true }, keywords: ['reboot'], toolbar: 'icon', reason: (r) => runningReason(r, 'start it instead'),
});

export const CONTAINER_ACTIONS: Action[] = [startContainer, stopContainer, pauseContainer, resumeContainer, restartContainer];
