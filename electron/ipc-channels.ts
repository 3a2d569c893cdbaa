/** The two IPC channels of the Bridge, shared by preload.ts and ipc.ts. */
export const REQUEST_CHANNEL = 'xendeck:request';
export const EVENT_CHANNEL = 'xendeck:event';
