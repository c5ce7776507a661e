/**
 * The self-signed certificate created at first start, so STARTTLS and implicit TLS work before an
 * operator installs a real one (same paths: replace the files and restart).
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { writeFileDurably } from '../fs/index.js';

export interface TlsMaterial {
  cert: string;
  key: string;
  certPath: string;
  keyPath: string;
  created: boolean;
}

export async function ensureCertificate(tlsDir: string, hostnames: string[]): Promise<TlsMaterial> {
  const certPath = join(tlsDir, 'cert.pem');
  const keyPath = join(tlsDir, 'key.pem');
  let created = false;
  if (!existsSync(certPath) || !existsSync(keyPath)) {
    await mkdir(tlsDir, { recursive: true, mode: 0o700 });
    const pems = await generate([{ name: 'commonName', value: hostnames[0] ?? 'localhost' }], {
      keyType: 'ec',
      curve: 'P-256',
      notAfterDate: new Date(Date.now() + 825 * 86_400_000),
      algorithm: 'sha256',
      extensions: [
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
        { name: 'extKeyUsage', serverAuth: true },
        { name: 'subjectAltName', altNames: hostnames.map((value) => ({ type: 2 as const, value })) },
      ],
    });
    await writeFileDurably(keyPath, pems.private, 0o600);
    await writeFileDurably(certPath, pems.cert, 0o644);
    created = true;
  }
  return {
    cert: await readFile(certPath, 'utf8'),
    key: await readFile(keyPath, 'utf8'),
    certPath,
    keyPath,
    created,
  };
}
