import { describe, expect, it } from 'vitest';
import { bridgeError } from '../shared/bridge';
import { describeError, errorLine } from './errors';

describe('describeError', () => {
  it('says a wrong password in words and keeps the code', () => {
    const d = describeError(bridgeError('SESSION_AUTHENTICATION_FAILED', ['root', 'Authentication failure'], 'x', 'session.login_with_password'));
    expect(d.title).toBe('The user name or password is wrong.');
    expect(d.code).toBe('SESSION_AUTHENTICATION_FAILED');
    expect(d.method).toBe('session.login_with_password');
  });

  it('uses the parameters where they say more', () => {
    expect(describeError(bridgeError('VM_BAD_POWER_STATE', ['OpaqueRef:1', 'halted', 'running'], 'x')).title).toBe('The VM is running; this needs it halted.');
  });

  it('falls back to the datamodel description for codes without their own wording', () => {
    expect(describeError(bridgeError('SR_NOT_EMPTY', [], 'SR_NOT_EMPTY')).title).toBe('The SR operation cannot be performed because the SR is not empty.');
    expect(describeError(bridgeError('VLAN_TAG_INVALID', ['5000'], 'VLAN_TAG_INVALID')).title).toBe('Vlan tag invalid.');
  });

  it('turns a plain Error into INTERNAL_ERROR with its message', () => {
    expect(errorLine(new Error('socket hang up'))).toMatch(/socket hang up.*\(INTERNAL_ERROR\)$/);
  });
});
