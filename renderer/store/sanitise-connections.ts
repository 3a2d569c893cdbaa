/**
 * The connection list as the page takes it: labels, addresses and flags come from the user's saved
 * settings, which the main process validates (stores/settings-schema.ts); the page checks them again
 * rather than trust a type it did not make. A field of the wrong type gets a safe value (a label falls
 * back to the address), an entry without an id is left out.
 */
import { z } from 'zod';
import type { BridgeErrorShape, ConnectionInfo, ConnectionStatus } from '../../shared/bridge';

const errorSchema = z.object({
  code: z.string().catch('INTERNAL_ERROR'),
  params: z.array(z.unknown()).catch([]).transform((p) => p.map(String)),
  message: z.string().catch(''),
  method: z.string().optional().catch(undefined),
}).transform((e): BridgeErrorShape => (e.method === undefined ? { code: e.code, params: e.params, message: e.message || e.code } : { ...e, message: e.message || e.code }));

const statusSchema: z.ZodType<ConnectionStatus> = z.union([
  z.object({ state: z.literal('connecting') }),
  z.object({ state: z.literal('connected') }),
  z.object({ state: z.literal('reconnecting'), attempt: z.number().catch(0), nextRetryMs: z.number().optional().catch(undefined), error: errorSchema.optional().catch(undefined) }),
  z.object({ state: z.literal('disconnected'), error: errorSchema.optional().catch(undefined) }),
]).catch({ state: 'disconnected' });

const connectionSchema = z.object({
  id: z.string().min(1),
  address: z.string().catch(''),
  user: z.string().catch(''),
  label: z.string().catch(''),
  demo: z.boolean().catch(false),
  remembered: z.boolean().catch(false),
  hidden: z.boolean().catch(false),
  status: statusSchema,
  masterAddress: z.string().optional().catch(undefined),
  note: z.string().optional().catch(undefined),
});

/** Every usable entry of `list`, each with fields of the right types (optional ones absent rather than undefined). */
export function sanitiseConnections(list: unknown): ConnectionInfo[] {
  if (!Array.isArray(list)) return [];
  const out: ConnectionInfo[] = [];
  for (const entry of list) {
    const parsed = connectionSchema.safeParse(entry);
    if (!parsed.success) continue;
    const { masterAddress, note, ...info } = parsed.data;
    const connection: ConnectionInfo = { ...info, label: info.label || info.address || info.id };
    if (masterAddress !== undefined) connection.masterAddress = masterAddress;
    if (note !== undefined) connection.note = note;
    out.push(connection);
  }
  return out;
}
