import type { Simulator } from './core';

/** An installer for an optional module (RRD, console, snapshots…): registers routes, API handlers, hooks. */
export type SimExtension = (sim: Simulator) => void | Promise<void>;
export type { Simulator };
