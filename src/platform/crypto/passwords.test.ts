import { describe, expect, it } from 'vitest';
import { createPasswordHasher, generateProvisionalPassword } from './index.js';

const cheap = { memoryKib: 1024, timeCost: 1 };

describe('password hasher', () => {
  it('hashes with argon2id and verifies only the right password', async () => {
    const hasher = await createPasswordHasher(cheap);
    const stored = await hasher.hash('Correct-Horse-42!');
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=1024,t=1,p=1\$/);
    expect(await hasher.verify(stored, 'Correct-Horse-42!')).toBe(true);
    expect(await hasher.verify(stored, 'correct-horse-42!')).toBe(false);
  });

  it('answers false, without throwing, for a malformed stored hash', async () => {
    const hasher = await createPasswordHasher(cheap);
    expect(await hasher.verify('not-a-hash', 'x')).toBe(false);
    expect(await hasher.verify('', 'x')).toBe(false);
  });

  it('asks for a rehash when the configured cost changed', async () => {
    const old = await createPasswordHasher(cheap);
    const current = await createPasswordHasher({ memoryKib: 2048, timeCost: 1 });
    const stored = await old.hash('x');
    expect(current.needsRehash(stored)).toBe(true);
    expect(old.needsRehash(stored)).toBe(false);
  });
});

describe('generateProvisionalPassword', () => {
  it('contains every character class and no look-alikes', () => {
    for (let i = 0; i < 200; i++) {
      const password = generateProvisionalPassword();
      expect(password).toHaveLength(16);
      expect(password).toMatch(/[a-z]/);
      expect(password).toMatch(/[A-Z]/);
      expect(password).toMatch(/[0-9]/);
      expect(password).toMatch(/[^a-zA-Z0-9]/);
      expect(password).not.toMatch(/[lO01]/);
    }
  });
});
