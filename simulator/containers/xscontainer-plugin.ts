/**
 * The `xscontainer` host plugin (/etc/xapi.d/plugins/xscontainer) as the supplemental pack ships it:
 * - a call about a VM (`vmuuid`) that runs on another host is forwarded there with host.call_plugin; its
 *   failure comes back as the plugin's own non-zero exit (XENAPI_PLUGIN_FAILURE ["non-zero exit", <printed
 *   XENAPI_PLUGIN_FAILURE [fn, "Failure", repr of the remote error]>, ""]);
 * - an unknown `vmuuid` crashes the script before dispatch (XENAPI_PLUGIN_FAILURE ["non-zero exit", "",
 *   <traceback ending in XenAPI.Failure: ['UUID_INVALID', 'VM', uuid]>]);
 * - then XenAPIPlugin.dispatch: a missing argument is XENAPI_PLUGIN_FAILURE [fn, "Exception",
 *   "INVALID_ARGUMENTS"], a container reference outside `^[a-z0-9_.-]+$` is [fn, "XSContainerException",
 *   "Invalid container"], a Docker error is [fn, "XSContainerException", "Request '…' led to status …"], an
 *   unreachable guest is [fn, "SshException" | "AuthenticationException", …];
 * - results are "True" + payload: "True" for start/stop/restart/pause/unpause (Docker answers 204 with no
 *   body), "TrueNone" for register/deregister, "True<?xml …><docker_top>…" and "True<?xml …><docker_inspect>…".
 * start/stop/restart/pause/unpause take `container` (Docker accepts the full id, a unique id prefix such as
 * the 10-character short id, or the name); get_top/get_inspect take `object` (same forms).
 * install_vm and passthrough answer that they need dev mode; the cloud-config drive functions
 * (create_config_drive, get_config_drive_default, get_config_drive_configuration) are not simulated.
 */
import type { PluginContext } from '../api/plugins';
import { callPlugin } from '../api/plugins';
import { dispatchPythonPlugin, PluginExit, PythonException, printedFailureMessage, pythonListRepr, type PluginFunction } from '../api/xenapi-plugin';
import { NULL_REF } from '../db/object-db';
import { XapiError } from '../xapi-error';
import { existingPoolContainers, poolContainers } from './guest-docker';
import { DOCKER_KEYS, REGISTRATION_KEY } from './monitor';

const PLUGIN = 'xscontainer';
const PLUGIN_PATH = '/etc/xapi.d/plugins/xscontainer';
const HELPER_PATH = '/usr/lib/python2.7/site-packages/xscontainer/api_helper.py';

interface Call { ctx: PluginContext; vmRef: string }

function checkArgs(required: string[], args: Record<string, string>): void {
  for (const r of required) if (!Object.hasOwn(args, r)) throw new PythonException('Exception', 'INVALID_ARGUMENTS');
}

function docker(call: Call) {
  return poolContainers(call.ctx.pool).monitor.docker;
}

const vmRefOf = (ctx: PluginContext, args: Record<string, string>): string => ctx.pool.db.byUuid('VM', args.vmuuid);

function lifecycle(command: 'start' | 'stop' | 'restart' | 'pause' | 'unpause'): PluginFunction<PluginContext> {
  return async (ctx, args) => {
    checkArgs(['vmuuid', 'container'], args);
    const call = { ctx, vmRef: vmRefOf(ctx, args) };
    const body = await docker(call).containerCommand(call.vmRef, args.container, command);
    // update_docker_ps_workaround: older engines send no pause/unpause events, so the plugin refreshes
    // docker_ps itself when the VM has it.
    if (command === 'pause' || command === 'unpause') {
      const oc = ctx.pool.db.get('VM', call.vmRef).other_config as Record<string, string>;
      if ('docker_ps' in oc) {
        const ps = await docker(call).psXml(call.vmRef);
        const now = ctx.pool.db.get('VM', call.vmRef).other_config as Record<string, string>;
        ctx.pool.db.update('VM', call.vmRef, { other_config: { ...now, docker_ps: ps } });
        poolContainers(ctx.pool).monitor.psWritten(call.vmRef);
      }
    }
    return `True${body}`;
  };
}

/** docker_monitor.api.register_vm / deregister_vm: VM.set_other_config with the key flipped (and the docker keys removed). */
function registration(on: boolean): PluginFunction<PluginContext> {
  return (ctx, args) => {
    checkArgs(['vmuuid'], args);
    const vmRef = vmRefOf(ctx, args);
    const oc: Record<string, string> = { ...(ctx.pool.db.get('VM', vmRef).other_config as Record<string, string>), [REGISTRATION_KEY]: on ? 'True' : 'False' };
    ctx.pool.db.update('VM', vmRef, { other_config: oc });
    if (!on) {
      const wiped = { ...oc };
      for (const k of DOCKER_KEYS) delete wiped[k];
      ctx.pool.db.update('VM', vmRef, { other_config: wiped });
    }
    // prepare_output(None): the functions return nothing, so the plugin answers "True" + str(None).
    return 'TrueNone';
  };
}

const devModeOnly: PluginFunction<PluginContext> = () => 'ERROR: This call is only enabled when in dev mode.';

const FUNCTIONS: Record<string, PluginFunction<PluginContext>> = {
  install_vm: devModeOnly,
  get_inspect: async (ctx, args) => {
    checkArgs(['vmuuid', 'object'], args);
    const call = { ctx, vmRef: vmRefOf(ctx, args) };
    return `True${await docker(call).inspectXml(call.vmRef, args.object)}`;
  },
  get_top: async (ctx, args) => {
    checkArgs(['vmuuid', 'object'], args);
    const call = { ctx, vmRef: vmRefOf(ctx, args) };
    return `True${await docker(call).topXml(call.vmRef, args.object)}`;
  },
  register: registration(true),
  deregister: registration(false),
  start: lifecycle('start'),
  stop: lifecycle('stop'),
  restart: lifecycle('restart'),
  pause: lifecycle('pause'),
  unpause: lifecycle('unpause'),
  passthrough: devModeOnly,
};

/** The traceback Python prints when VM.get_by_uuid fails in redirect_operation_owned_by_other_slave. */
function uuidTraceback(err: XapiError): string {
  return [
    'Traceback (most recent call last):',
    `  File "${PLUGIN_PATH}", line 212, in <module>`,
    '    redirect_operation_owned_by_other_slave(sys.argv)',
    `  File "${PLUGIN_PATH}", line 26, in decorated`,
    '    return func(*args, **kwargs)',
    `  File "${PLUGIN_PATH}", line 178, in redirect_operation_owned_by_other_slave`,
    "    session, args['vmuuid'])",
    `  File "${HELPER_PATH}", line 553, in get_host_ref_for_vm_uuid`,
    '    vm_record = get_vm_record_by_uuid(session, vm_uuid)',
    `  File "${HELPER_PATH}", line 252, in get_vm_record_by_uuid`,
    '    vmref = get_vm_ref_by_uuid(session, vmuuid)',
    `  File "${HELPER_PATH}", line 258, in get_vm_ref_by_uuid`,
    '    vmref = session.xenapi.VM.get_by_uuid(vmuuid)',
    '  File "/usr/lib/python2.7/site-packages/XenAPI.py", line 264, in __call__',
    '    return self.__send(self.__name, args)',
    '  File "/usr/lib/python2.7/site-packages/XenAPI.py", line 160, in xenapi_request',
    '    result = _parse_result(getattr(self, methodname)(*full_params))',
    '  File "/usr/lib/python2.7/site-packages/XenAPI.py", line 238, in _parse_result',
    "    raise Failure(result['ErrorDescription'])",
    `XenAPI.Failure: ${pythonListRepr(err.description)}`,
    '',
  ].join('\n');
}

/** redirect_operation_owned_by_other_slave, then dispatch. */
async function run(ctx: PluginContext, fn: string, args: Record<string, string>): Promise<string> {
  if (Object.hasOwn(args, 'vmuuid')) {
    let resident: string;
    try {
      resident = String(ctx.pool.db.get('VM', ctx.pool.db.byUuid('VM', args.vmuuid)).resident_on);
    } catch (err) {
      if (err instanceof XapiError) throw new PluginExit('', uuidTraceback(err));
      throw err;
    }
    if (resident !== NULL_REF && resident !== ctx.host.ref) {
      try {
        return await callPlugin(ctx.call, resident, PLUGIN, fn, args);
      } catch (err) {
        if (!(err instanceof XapiError)) throw err;
        throw new PluginExit(printedFailureMessage(['XENAPI_PLUGIN_FAILURE', fn, 'Failure', pythonListRepr(err.description)]), '');
      }
    }
  }
  return dispatchPythonPlugin(FUNCTIONS, fn, ctx, args);
}

/** Installs the plugin on the hosts of pools that have the supplemental pack (pools with a container registry). */
export function installXscontainerPlugin(sim: PluginContext['call']['sim']): void {
  sim.plugins.install({ name: PLUGIN, installedOn: (host) => existingPoolContainers(host.pool) !== undefined, run });
}
