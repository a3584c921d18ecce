import { generateKeyPairSync, randomBytes, createPrivateKey, type KeyObject } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Signing keys for the local stack, made on first start and kept in the data folder: the Slack
 * signing secret and a Discord Ed25519 key pair. The server verifies requests with them exactly as
 * Slack's and Discord's would be verified; the playground signs with them.
 */
export interface LocalKeys {
  slackSigningSecret: string;
  discordPublicKeyHex: string;
  discordPrivateKey: KeyObject;
  discordApplicationId: string;
}

interface StoredKeys {
  slackSigningSecret: string;
  discordPrivateKeyPem: string;
  discordPublicKeyHex: string;
}

export async function loadLocalKeys(dataDir: string): Promise<LocalKeys> {
  const file = join(dataDir, 'local-keys.json');
  let stored: StoredKeys;
  try {
    stored = JSON.parse(await readFile(file, 'utf8')) as StoredKeys;
  } catch {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    stored = {
      slackSigningSecret: randomBytes(16).toString('hex'),
      discordPrivateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
      discordPublicKeyHex: publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('hex'),
    };
    await mkdir(dataDir, { recursive: true });
    await writeFile(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
  }
  return {
    slackSigningSecret: stored.slackSigningSecret,
    discordPublicKeyHex: stored.discordPublicKeyHex,
    discordPrivateKey: createPrivateKey(stored.discordPrivateKeyPem),
    discordApplicationId: '100000000000000001',
  };
}
