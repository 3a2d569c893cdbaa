import { describe, expect, it, vi } from 'vitest';
import { DragSession, evaluateDrop, type DropPolicy, type DropVerdict } from './drop-policy';

type Row = { key: string; kind: 'host' | 'vm' | 'tag' };

const accept = (label: string, extra: Partial<Extract<DropVerdict<void>, { kind: 'accept' }>> = {}): DropVerdict<void> => ({ kind: 'accept', label, drop: vi.fn(), ...extra });

describe('drop policies', () => {
  const onHost: DropPolicy<string, Row, void> = { id: 'migrate', evaluate: (dragged, row) => (row.kind !== 'host' ? undefined : dragged.includes('running') ? { kind: 'refuse', reason: 'A running VM cannot go there.' } : accept('Move to host')) };
  const onTag: DropPolicy<string, Row, void> = { id: 'tag', evaluate: (_d, row) => (row.kind === 'tag' ? accept('Tag it') : undefined) };
  const refuseAll: DropPolicy<string, Row, void> = { id: 'never', evaluate: (_d, row) => (row.kind === 'host' ? { kind: 'refuse', reason: 'Never.' } : undefined) };

  it('lets the first accepting policy win, else says the first refusal, else the row is no target', () => {
    expect(evaluateDrop([refuseAll, onHost, onTag], ['halted'], { key: 'h', kind: 'host' })).toMatchObject({ kind: 'accept', label: 'Move to host' });
    expect(evaluateDrop([onHost, refuseAll], ['running'], { key: 'h', kind: 'host' })).toEqual({ kind: 'refuse', reason: 'A running VM cannot go there.' });
    expect(evaluateDrop([onHost, onTag], ['halted'], { key: 'v', kind: 'vm' })).toBeUndefined();
    expect(evaluateDrop([onHost], [], { key: 'h', kind: 'host' })).toBeUndefined();
  });
});

describe('a drag session', () => {
  it('asks each row once per drag, however often the pointer passes over it', () => {
    const evaluate = vi.fn((key: string) => (key === 'host' ? accept('Move') : undefined));
    const session = new DragSession<void>(['vm'], evaluate, () => undefined);
    for (let i = 0; i < 50; i++) {
      session.state('host');
      session.state('vm-row');
    }
    expect(evaluate).toHaveBeenCalledTimes(2);
    expect(session.state('host')).toEqual({ kind: 'accept', label: 'Move' });
    expect(session.state('vm-row')).toBeUndefined();
  });

  it('keeps a row waiting on its background check, then accepts or refuses with the check\u2019s reason', async () => {
    let answer!: (reason: string | undefined) => void;
    const check = vi.fn(() => new Promise<string | undefined>((resolve) => (answer = resolve)));
    const changed = vi.fn();
    const session = new DragSession<void>(['vm'], () => accept('Migrate to xcp-02', { check }), changed);
    expect(session.state('xcp-02')).toEqual({ kind: 'checking', label: 'Migrate to xcp-02' });
    expect(session.verdict('xcp-02')).toEqual({ kind: 'refuse', reason: 'Checking…' });
    answer('Not enough memory: 12 GiB needed, 3 GiB free.');
    await vi.waitFor(() => expect(changed).toHaveBeenCalled());
    expect(session.state('xcp-02')).toEqual({ kind: 'refuse', reason: 'Not enough memory: 12 GiB needed, 3 GiB free.' });
    expect(check).toHaveBeenCalledTimes(1);

    const ok = new DragSession<void>(['vm'], () => accept('Migrate to xcp-03', { check: async () => undefined }), () => undefined);
    ok.state('xcp-03');
    await vi.waitFor(() => expect(ok.state('xcp-03')).toEqual({ kind: 'accept', label: 'Migrate to xcp-03' }));
  });

  it('tells running checks to stop when the drag ends', () => {
    let signal: AbortSignal | undefined;
    const session = new DragSession<void>(['vm'], () => accept('Move', { check: (s) => ((signal = s), new Promise(() => undefined)) }), () => undefined);
    session.state('h');
    expect(signal?.aborted).toBe(false);
    session.dispose();
    expect(signal?.aborted).toBe(true);
  });
});
