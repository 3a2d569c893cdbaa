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

  it('words the migration pre-check failures with their numbers, as the Destination page and the menus show them', () => {
    expect(describeError(bridgeError('HOST_NOT_ENOUGH_FREE_MEMORY', ['35046555648', '32611216916'], 'x')).title).toBe('Not enough memory: 32.6 GiB needed, 30.4 GiB free.');
    const cpu = describeError(bridgeError('VM_INCOMPATIBLE_WITH_THIS_HOST', ['OpaqueRef:NULL', 'OpaqueRef:h', 'VM last booted on a host which had a CPU from a different vendor.'], 'x'));
    expect(cpu.title).toBe('This server\u2019s CPU is not compatible with the one the VM is running on (VM last booted on a host which had a CPU from a different vendor).');
    expect(cpu.advice).toMatch(/shut it down and move it halted/);
    expect(describeError(bridgeError('TOO_MANY_STORAGE_MIGRATES', ['3'], 'x')).title).toBe('Too many storage migrations are running from this server (at most 3).');
  });

  it('reads a missing VDI in VM_MIGRATE_FAILED as a CD left in the drive, as XenCenter does', () => {
    expect(describeError(bridgeError('VM_MIGRATE_FAILED', ['u1', 'u2', 'u3', 'Storage_interface.Backend_error(VDI_MISSING)'], 'x')).title).toBe('Cannot migrate this VM: there may be a CD in the drive.');
    expect(describeError(bridgeError('VM_MIGRATE_FAILED', ['u1', 'u2', 'u3', 'the receiving host died'], 'x')).title).toBe('The migration failed: the receiving host died.');
  });
});
