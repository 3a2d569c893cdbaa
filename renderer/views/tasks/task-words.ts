/**
 * Task names in words. XAPI names a task after the call that made it (`Async.VM.clean_shutdown`);
 * XenDeck knows better for the tasks it starts (it records "Shut down" and the VM's name), and
 * tasks other clients started get the method turned into words.
 */
const METHOD_WORDS: Record<string, string> = {
  'VM.start': 'Start',
  'VM.start_on': 'Start on host',
  'VM.clean_shutdown': 'Shut down',
  'VM.shutdown': 'Shut down',
  'VM.hard_shutdown': 'Force shut down',
  'VM.clean_reboot': 'Reboot',
  'VM.hard_reboot': 'Force reboot',
  'VM.suspend': 'Suspend',
  'VM.resume': 'Resume',
  'VM.resume_on': 'Resume on host',
  'VM.pause': 'Pause',
  'VM.unpause': 'Unpause',
  'VM.clone': 'Clone',
  'VM.copy': 'Copy',
  'VM.provision': 'Provision disks',
  'VM.destroy': 'Delete VM',
  'VM.snapshot': 'Snapshot',
  'VM.snapshot_with_quiesce': 'Snapshot',
  'VM.checkpoint': 'Snapshot with memory',
  'VM.revert': 'Revert to snapshot',
  'VM.import': 'Import',
  'VM.export': 'Export',
  'VM.pool_migrate': 'Migrate',
  'VM.migrate_send': 'Migrate',
  'VDI.pool_migrate': 'Migrate disk',
  'VDI.copy': 'Copy disk',
  'VDI.destroy': 'Delete disk',
  'SR.create': 'Create storage',
  'pool.enable_ha': 'Enable HA',
  'pool.disable_ha': 'Disable HA',
  'host.evacuate': 'Move VMs off host',
  'host.reboot': 'Reboot host',
  'host.shutdown': 'Shut down host',
  'host.disable': 'Disable host',
  'host.enable': 'Enable host',
};

const methodOf = (nameLabel: string) => nameLabel.replace(/^Async\./, '');

/**
 * Whether another client's task is an operation the panel follows (XenCenter's RecognisedVmOperations, plus
 * the host and disk operations XenDeck names): xapi also makes a task for every synchronous call of a message
 * that has an Async form (`host.call_plugin`, `VM.set_VCPUs_number_live`…), gone as soon as the call returns.
 */
export function isFollowedOperation(nameLabel: string): boolean {
  return Object.hasOwn(METHOD_WORDS, methodOf(nameLabel));
}

export function methodWords(nameLabel: string): string {
  const method = methodOf(nameLabel);
  const known = METHOD_WORDS[method];
  if (known) return known;
  const [cls, message] = method.split('.');
  if (!message) return nameLabel;
  const words = message.replace(/_/g, ' ');
  return `${words.charAt(0).toUpperCase()}${words.slice(1)} (${cls})`;
}
