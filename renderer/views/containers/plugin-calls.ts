/**
 * Calls to the xscontainer plug-in (host.call_plugin(host, "xscontainer", fn, args)), as XenCenter makes them:
 * - container actions (start, stop, pause, unpause, restart, with the 10-character short id) run as tasks (Async.host.call_plugin) on the pool coordinator, which forwards them to
 *   the host running the VM (DockerContainerLifetimeAction); register/deregister go to the coordinator too,
 *   as a step of the VM Properties dialog's save (VMEnlightenmentAction);
 * - details (get_top, get_inspect) are read synchronously from the host the VM runs on (RunContainerPluginAction).
 * Every answer is "True" followed by the payload; anything else is the plug-in saying no.
 */
import type { Bridge } from '../../../shared/bridge';
import { pluginPayload } from '../../../shared/api-client/xscontainer';
import type { VMRecord } from '../../../shared/xapi/generated/records';
import type { MirrorState } from '../../store/mirror-store';
import { isNullRef } from '../../store/object-id';
import type { AsyncCall, CallStep } from '../../actions/run-tasks';

export const XSCONTAINER = 'xscontainer';

export type ContainerFn = 'start' | 'stop' | 'pause' | 'unpause' | 'restart';

/** The pool coordinator's ref (where XenCenter sends actions), if the pool is known. */
export function coordinatorRef(state: Pick<MirrorState, 'mirrors'>, connectionId: string): string | undefined {
  const pools = state.mirrors[connectionId]?.objects.pool;
  const pool = pools?.values().next().value;
  return pool && !isNullRef(pool.master) ? pool.master : undefined;
}

/** An Async host.call_plugin for the task panel. */
export function pluginTask(connectionId: string, hostRef: string, fn: string, args: Record<string, string>, what: { title: string; targetName: string; vmRef: string }): AsyncCall {
  return { connectionId, title: what.title, targetName: what.targetName, targetRef: what.vmRef, method: 'host.call_plugin', params: [hostRef, XSCONTAINER, fn, args] };
}

/**
 * Container management on or off: xscontainer's register/deregister on the pool coordinator, which forwards
 * to the VM's host (XenCenter's Enable/DisableVMEnlightenmentAction). The plug-in answers "TrueNone"; it writes
 * other_config["xscontainer-monitor"] (and deregister drops the docker_* keys) before it returns.
 */
export function registrationStep(coordinator: string, vm: Pick<VMRecord, 'uuid'>, on: boolean): CallStep {
  return {
    method: 'host.call_plugin',
    params: [coordinator, XSCONTAINER, on ? 'register' : 'deregister', { vmuuid: vm.uuid }],
    refusal: (result) => pluginRefusal(taskResultText(typeof result === 'string' ? result : String(result))),
  };
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/**
 * A task's result as text. XAPI keeps an Async call's result XML-RPC encoded in task.result
 * (`<value>True</value>`, or `<value><string>…</string></value>`); a server that stores it plain is read as is.
 */
export function taskResultText(result: string | undefined): string {
  if (result === undefined) return '';
  const m = /^\s*<value>(?:<string>)?([\s\S]*?)(?:<\/string>)?<\/value>\s*$/.exec(result);
  if (!m) return result;
  return m[1].replace(/&(lt|gt|amp|quot|apos|#(\d+)|#x([0-9a-fA-F]+));/g, (whole, name: string, dec?: string, hex?: string) => {
    if (dec) return String.fromCodePoint(Number(dec));
    if (hex) return String.fromCodePoint(parseInt(hex, 16));
    return ENTITIES[name] ?? whole;
  });
}

/** Why an answer of the plug-in is not a success, or undefined when it starts with "True". */
export function pluginRefusal(text: string): { code: string; params: string[] } | undefined {
  const p = pluginPayload(text);
  return p.ok ? undefined : { code: p.error.code, params: [p.error.message] };
}

/**
 * A detail function (get_top, get_inspect) on the host the VM runs on; resolves with the payload after "True".
 * Rejects with XAPI's error (XENAPI_PLUGIN_FAILURE…), or with XSCONTAINER_DATA_NOT_A_RESULT for another answer.
 */
export async function readFromPlugin(bridge: Bridge, connectionId: string, vm: Pick<VMRecord, 'uuid' | 'resident_on'>, fn: 'get_top' | 'get_inspect', object: string): Promise<string> {
  if (isNullRef(vm.resident_on)) throw { code: 'VM_BAD_POWER_STATE', params: ['', 'running', 'not running'], message: 'The VM is not running.' };
  const result = await bridge.request('xapi.call', { connectionId, method: 'host.call_plugin', params: [vm.resident_on, XSCONTAINER, fn, { vmuuid: vm.uuid, object }] });
  const payload = pluginPayload(result);
  if (!payload.ok) throw { code: payload.error.code, params: [payload.error.message], message: payload.error.message };
  return payload.value;
}
