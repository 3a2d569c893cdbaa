/**
 * The alerts HA posts, in XenCenter's words (its FriendlyNames for the message names, and MessageAlert's
 * way of filling them with the object's and the pool's names). xapi's bodies are terse ("Server 'x' has
 * failed", an empty body, or a bare number for a drop in failover tolerance): the alert says it in full.
 * (HA_POOL_OVERCOMMITTED is not an alert at all: store/alert-messages.ts squelches it, as XenCenter does.)
 */
import type { MessageRecord } from '../../../shared/xapi/generated/records';
import { alertDetail, alertTitle } from '../alerts/alert-words';

export interface AlertWords {
  title: string;
  detail: string;
}

/** The HA failover tolerance message, by the new maximum in the body. */
function dropInTolerance(body: string, pool: string): string {
  const n = /^\s*\d+\s*$/.test(body) ? Number(body) : undefined;
  if (n === undefined) return body;
  if (n === 0) return `The failover tolerance for pool '${pool}' has dropped to 0, and HA is no longer guaranteed.`;
  return `The failover tolerance for pool '${pool}' has dropped. HA is now only guaranteed for ${n} host ${n === 1 ? 'failure' : 'failures'}.`;
}

/**
 * Title and text of an HA alert (and of the pool master change HA brings about); undefined for other
 * messages. `object` is the name of the object the message is about, `pool` the pool's name.
 */
export function haAlertWords(m: Pick<MessageRecord, 'name' | 'body'>, names: { object: string; pool: string }): AlertWords | undefined {
  const { object, pool } = names;
  switch (m.name) {
    case 'HA_HOST_FAILED':
      return { title: 'Server failed', detail: `Server '${object}' has failed.` };
    case 'HA_HOST_WAS_FENCED':
      return { title: 'Server recovered', detail: `Server '${object}' was fenced, and has now successfully restarted and rejoined the pool.` };
    case 'HA_POOL_DROP_IN_PLAN_EXISTS_FOR':
    case 'HA_POOL_OVERCOMMITTED':
      return { title: 'Drop in HA failover tolerance', detail: dropInTolerance(m.body, pool) };
    case 'HA_PROTECTED_VM_RESTART_FAILED':
      return { title: 'HA-protected VM failed to restart', detail: `Virtual machine '${object}', which is protected under HA, has failed to start.` };
    case 'HA_STATEFILE_LOST':
      return { title: 'Heartbeat SR lost', detail: `The servers in pool '${pool}' cannot access the heartbeat SR. HA protection is severely impaired without it.` };
    case 'HA_STATEFILE_APPROACHING_TIMEOUT':
      return { title: 'Heartbeat SR approaching timeout', detail: `Server '${object}' is taking too long to write to the heartbeat storage and may become fenced.` };
    case 'HA_HEARTBEAT_APPROACHING_TIMEOUT':
      return { title: 'HA heartbeat approaching timeout', detail: `Server '${object}' is taking too long to respond to the HA networking heartbeat and may become fenced.` };
    case 'HA_XAPI_HEALTHCHECK_APPROACHING_TIMEOUT':
      return { title: 'Server healthcheck approaching timeout', detail: `Server '${object}' is taking too long to respond and may become fenced.` };
    case 'HA_NETWORK_BONDING_ERROR':
      return { title: 'HA network bonding error', detail: `A path of the management network bond on server '${object}' has failed. HA protection is at risk without it.` };
    case 'POOL_MASTER_TRANSITION':
      return { title: 'Pool master changed', detail: `Server '${object}' is now the master of pool '${pool}'.` };
    default:
      return undefined;
  }
}

/** Any alert's title and text: HA's in XenCenter's words, the others as alert-words.ts reads them. */
export function alertWords(m: Pick<MessageRecord, 'name' | 'body'>, names: { object: string; pool: string }): AlertWords {
  return haAlertWords(m, names) ?? { title: alertTitle(m), detail: alertDetail(m) };
}
