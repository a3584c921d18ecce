import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { runFromItem, type RunRecord } from '../../functions/core/usage/usage-ledger.js';
import type { LocalStack } from '../../local/stack/local-stack.js';

/**
 * The usage ledger of a running local stack, read as its operator would (a scan of the account's
 * DynamoDB table): a run's row, the executions holding a user's slots today, and the counts.
 */
export async function ledgerView(stack: LocalStack) {
  const dynamo = new DynamoDBClient(stack.account.operatorClientConfig());
  const [table] = stack.account.dynamoDb.tableNames as [string];
  try {
    const { Items = [] } = await dynamo.send(new ScanCommand({ TableName: table }));
    return {
      run: (executionId: string): RunRecord | undefined =>
        Items.filter((i) => i.sk?.S === 'run')
          .map(runFromItem)
          .find((r) => r.executionId === executionId),
      slotsHeld: (user: string): string[] =>
        Items.filter((i) => i.pk?.S?.endsWith(`#${user}`) && i.sk?.S?.startsWith('day#')).flatMap(
          (i) => i.runs?.SS ?? [],
        ),
      /** A user's videos counted in a period (`day#…` or `month#…`), from its counter row. */
      videosCounted: (user: string, period: 'day' | 'month'): number =>
        Items.filter((i) => i.pk?.S?.endsWith(`#${user}`) && i.sk?.S?.startsWith(`${period}#`)).reduce(
          (sum, i) => sum + Number(i.videos?.N ?? 0),
          0,
        ),
    };
  } finally {
    dynamo.destroy();
  }
}
