/**
 * What `settings.json` may hold, as a zod schema: the one description of every setting's shape. The
 * store reads the file through it (a value of the wrong shape is dropped with a log line, the rest
 * loads) and its getters are typed by it. Keys it does not know (a newer version's) are kept as they are.
 */
import { z } from 'zod';

/** Largest reply the transport may accept: a JavaScript string cannot hold much more than 512 MB. */
export const MAX_REPLY_MEGABYTES_LIMIT = 512;

export const savedServerSchema = z.object({
  id: z.string().min(1).max(128),
  address: z.string().min(1).max(512),
  user: z.string().min(1).max(256),
  label: z.string().max(1024).optional(),
  hidden: z.boolean().optional(),
  /** Pool members' addresses from the last run, tried when the saved address does not answer. */
  members: z.array(z.string().min(1).max(512)).max(4096).optional(),
});

/** A saved server, without its password (that is in the secret store). */
export type SavedServer = z.output<typeof savedServerSchema>;

export const settingsSchema = z.looseObject({
  /** Servers to reconnect at start. */
  'connections.servers': z.array(savedServerSchema).max(10_000).optional(),
  /** Ids of the demo pools the user hid. */
  'connections.hiddenDemos': z.array(z.string().max(128)).max(100).optional(),
  /** The reply size cap of the XAPI transport, in MB (default 256). */
  'connections.maxReplyMegabytes': z.number().int().min(1).max(MAX_REPLY_MEGABYTES_LIMIT).optional(),
});

export type Settings = z.output<typeof settingsSchema>;
/** The settings XenDeck reads and writes. */
export type SettingKey = keyof typeof settingsSchema.shape;
export type SettingValue<K extends SettingKey> = NonNullable<z.output<(typeof settingsSchema.shape)[K]>>;
