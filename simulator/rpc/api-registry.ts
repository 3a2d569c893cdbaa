/**
 * Handlers for `Class.message`, registered by the modules in simulator/api/ and by extensions.
 * `Async.Class.message` needs no registration: the dispatcher runs the same handler inside a task.
 */
import type { CallContext } from './call-context';

// Handlers take datamodel-typed arguments; their exact types are the handler's business.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ApiHandler = (call: CallContext, ...args: any[]) => unknown;

export class ApiRegistry {
  private handlers = new Map<string, ApiHandler>();

  /** `name` is `Class.message` as the datamodel spells it (`VM.start`, `host.get_servertime`). */
  register(name: string, handler: ApiHandler): void {
    this.handlers.set(name, handler);
  }

  get(name: string): ApiHandler | undefined {
    return this.handlers.get(name);
  }

  names(): string[] {
    return [...this.handlers.keys()];
  }
}
