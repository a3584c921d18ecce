import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { clientConfig, type AwsTarget } from './aws-target.js';
import { OperatorError } from './operator-error.js';

/** A secret's value as the stack holds it: its JSON object, or nothing usable. */
export type SecretFields = Record<string, string>;

/**
 * The stack's secrets, read and written as an operator: each write is one PutSecretValue of the
 * whole JSON object (never a key at a time, so a secret is never half-written), made only when the
 * value differs. The SDK gives each write its own ClientRequestToken and keeps it across its
 * retries, so a retried write makes no second version. Values never leave this class except to the caller that asked.
 */
export class SecretStore {
  private readonly client: SecretsManagerClient;

  constructor(target: AwsTarget) {
    this.client = new SecretsManagerClient(clientConfig(target));
  }

  /** The secret's JSON fields; `undefined` when it holds no JSON object (for example never filled). */
  async read(secretId: string): Promise<SecretFields | undefined> {
    const text = await this.text(secretId);
    try {
      const json = JSON.parse(text) as unknown;
      if (!json || typeof json !== 'object' || Array.isArray(json)) return undefined;
      return Object.fromEntries(
        Object.entries(json).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
      );
    } catch {
      return undefined;
    }
  }

  /** The raw text (a bare `sk-…` TokenBay key is valid too). */
  async text(secretId: string): Promise<string> {
    try {
      const { SecretString } = await this.client.send(new GetSecretValueCommand({ SecretId: secretId }));
      return SecretString ?? '';
    } catch (error) {
      throw secretError(error, secretId, 'read');
    }
  }

  /** Writes `fields` as the secret's whole value unless it already holds exactly that. */
  async save(secretId: string, fields: SecretFields): Promise<'written' | 'unchanged'> {
    const current = await this.read(secretId);
    if (current && sameFields(current, fields)) return 'unchanged';
    try {
      await this.client.send(
        new PutSecretValueCommand({ SecretId: secretId, SecretString: JSON.stringify(fields) }),
      );
    } catch (error) {
      throw secretError(error, secretId, 'write');
    }
    return 'written';
  }

  close(): void {
    this.client.destroy();
  }
}

function sameFields(a: SecretFields, b: SecretFields): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((key) => (a[key] ?? '') === (b[key] ?? ''));
}

function secretError(error: unknown, secretId: string, verb: 'read' | 'write'): OperatorError {
  const name = (error as Error).name;
  const secret = secretId.split(':').pop();
  if (name === 'AccessDeniedException')
    return new OperatorError(
      `You may not ${verb} the secret ${secret} (AccessDeniedException).`,
      `Use credentials allowed secretsmanager:${verb === 'read' ? 'GetSecretValue' : 'PutSecretValue'} on it (the role you deploy with is).`,
    );
  if (name === 'ResourceNotFoundException')
    return new OperatorError(
      `The secret ${secret} does not exist.`,
      'Deploy the stack again: npm run deploy.',
    );
  return new OperatorError(
    `Could not ${verb} the secret ${secret}: ${(error as Error).message}`,
    'Run this again; if it persists, check your AWS credentials.',
  );
}
