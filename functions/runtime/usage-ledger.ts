import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { ClipbayConfig } from '../core/config.js';
import { UsageLedger } from '../core/usage/usage-ledger.js';

let ledger: UsageLedger | undefined;

/**
 * The usage ledger over the stack's table (USAGE_TABLE), made once per cold start; undefined when
 * the function's environment names no table. One SDK retry: the ingress answers within 3 s.
 */
export function usageLedger(config: ClipbayConfig): UsageLedger | undefined {
  const table = config.usage.table;
  if (!table) return undefined;
  if (ledger?.table !== table) ledger = new UsageLedger(new DynamoDBClient({ maxAttempts: 2 }), table);
  return ledger;
}
