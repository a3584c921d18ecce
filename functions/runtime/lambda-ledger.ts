import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { ClipbayConfig } from '../core/config.js';
import { UsageLedger } from '../core/usage/usage-ledger.js';
import { remembered } from './remembered.js';

const ledgerOver = remembered(
  (table: string) => new UsageLedger(new DynamoDBClient({ maxAttempts: 2 }), table),
);

/**
 * The usage ledger over the stack's table (USAGE_TABLE), made once per cold start; undefined when
 * the function's environment names no table. One SDK retry: the ingress answers within 3 s.
 */
export function usageLedger(config: Pick<ClipbayConfig, 'usage'>): UsageLedger | undefined {
  return config.usage.table ? ledgerOver(config.usage.table) : undefined;
}
