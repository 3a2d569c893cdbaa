/**
 * A stand-in for Electron's safeStorage in unit tests (the Electron binary is not available to Vitest).
 * Encryption is a keyed XOR with a marker, enough to prove the stored file holds no plaintext and that
 * values round-trip; `rotateKey()` makes the next decrypt report `shouldReEncrypt` like a key rotation.
 */
export function createFakeSafeStorage() {
  let key = 0x5a;
  let stale = false;
  const xor = (bytes: Buffer, k: number) => Buffer.from(bytes.map((b) => b ^ k));
  const fake = {
    available: true,
    backend: 'gnome_libsecret' as 'basic_text' | 'gnome_libsecret' | 'kwallet' | 'kwallet5' | 'kwallet6' | 'unknown',
    encryptCalls: 0,
    async isAsyncEncryptionAvailable() {
      return fake.available;
    },
    getSelectedStorageBackend() {
      return fake.backend;
    },
    async encryptStringAsync(plain: string) {
      if (!fake.available) throw new Error('Encryption is not available.');
      fake.encryptCalls++;
      return Buffer.concat([Buffer.from([key]), xor(Buffer.from(`fake:${plain}`, 'utf8'), key)]);
    },
    async decryptStringAsync(encrypted: Buffer) {
      const k = encrypted[0];
      const text = xor(encrypted.subarray(1), k).toString('utf8');
      if (!text.startsWith('fake:')) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
      return { result: text.slice(5), shouldReEncrypt: stale && k !== key };
    },
    rotateKey() {
      key = (key + 1) & 0xff;
      stale = true;
    },
  };
  return fake;
}
