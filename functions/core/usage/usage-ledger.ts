import {
  BatchGetItemCommand,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
  type UpdateItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import type { WorkflowInput } from '../chat/accepted-command.js';
import { HISTORY_INDEX, type HistoryIndex } from './history-index.js';
import { periodsAt, type UsagePeriods } from './usage-period.js';

/**
 * The usage ledger in one DynamoDB table (partition key `pk`, sort key `sk`, TTL on `expiresAt`):
 *
 * | pk | sk | what |
 * |---|---|---|
 * | `run#<execution>` | `run` | one row per execution: who, where, model, the prompt's start, duration, outcome, quota, times, the clip; the claim of its clip's upload (`clipUploadClaimedAt`) and the message a step posted anew (`messageId`) |
 * | `user#<platform>#<workspace>#<user>` | `day#2026-11-26` | `videos`, `quota`, and `runs`: the executions in progress (a string set) |
 * | `user#…` | `month#2026-11` | `videos`, `quota` counters |
 * | `channel#<platform>#<workspace>#<channel>` | `day#…`, `month#…` | counters |
 * | `team#<platform>#<workspace>` | `day#…`, `month#…` | counters |
 *
 * Counters move with single conditional `UpdateItem`s (ADD is atomic), so limits hold under any
 * number of simultaneous commands without a read-modify-write race.
 */

/** Who asked and where: the keys usage is counted under. */
export interface UsageScope {
  /** The registered platform's id (bots/platforms.ts). */
  platform: string;
  /** The reply target's workspace (a Slack team id, a Discord guild id; `dm` for a direct message). */
  workspace: string;
  channel: string;
  user: string;
}

export function scopeOf(input: Pick<WorkflowInput, 'replyTo' | 'requestedBy'>): UsageScope {
  const { replyTo } = input;
  return {
    platform: replyTo.platform,
    workspace: replyTo.workspaceId ?? 'dm',
    channel: replyTo.channelId,
    user: input.requestedBy.id,
  };
}

export interface ItemKey {
  pk: string;
  sk: string;
}

/** The six counters a run moves: the user's, the channel's and the workspace's, by day and month. */
export interface CounterKeys {
  userDay: ItemKey;
  userMonth: ItemKey;
  channelDay: ItemKey;
  channelMonth: ItemKey;
  teamDay: ItemKey;
  teamMonth: ItemKey;
}

const DAY_SECONDS = 86_400;
/** Rows outlive the periods they count: day counters for 40 days, the rest for about 13 months. */
const KEEP_DAY_COUNTERS_SECONDS = 40 * DAY_SECONDS;
const KEEP_ROWS_SECONDS = 400 * DAY_SECONDS;

export const runKey = (executionId: string): ItemKey => ({ pk: `run#${executionId}`, sk: 'run' });

/**
 * What a delivery of a command holds in the user's in-progress set: the execution and when this
 * delivery arrived. A redelivery of the same command holds its own token, so giving it back never
 * frees the slot of the run that started; SettleUsage frees the token of the input it ran with.
 */
export function slotToken(run: Pick<WorkflowInput, 'id' | 'requestedAt'>): string {
  return `${run.id}@${run.requestedAt}`;
}

export function counterKeys(scope: UsageScope, periods: Pick<UsagePeriods, 'day' | 'month'>): CounterKeys {
  const user = `user#${scope.platform}#${scope.workspace}#${scope.user}`;
  const channel = `channel#${scope.platform}#${scope.workspace}#${scope.channel}`;
  const team = `team#${scope.platform}#${scope.workspace}`;
  const day = `day#${periods.day}`;
  const month = `month#${periods.month}`;
  return {
    userDay: { pk: user, sk: day },
    userMonth: { pk: user, sk: month },
    channelDay: { pk: channel, sk: day },
    channelMonth: { pk: channel, sk: month },
    teamDay: { pk: team, sk: day },
    teamMonth: { pk: team, sk: month },
  };
}

export interface Counter {
  videos: number;
  quota: number;
}

/** Only change the counter if `attribute` is still below `below` (or not there yet). */
export interface CounterCondition {
  attribute: keyof Counter;
  below: number;
}

/** What the ledger keeps of one execution. */
export interface RunRecord {
  executionId: string;
  scope: UsageScope;
  requesterName: string;
  model: string;
  durationSeconds: number;
  requestedAt: number;
  /**
   * `running` until the run ends: `succeeded`, `failed`, `timed-out` or `error` (the workflow),
   * `stopped` (RunEnded), `cancelled` (the Cancel button).
   */
  outcome: string;
  quota?: number | undefined;
  taskId?: string | undefined;
  submittedAt?: number | undefined;
  finishedAt?: number | undefined;
  /** Set when RunEnded closed the row and still owes the channel its message (cleared once sent). */
  tellPending?: boolean | undefined;
  /** The prompt's first HISTORY_PROMPT_CHARS characters, for `/video history`. */
  prompt?: string | undefined;
  /** The clip's own id (its share link's), once it was made. */
  clipId?: string | undefined;
}

/** How much of a prompt the ledger keeps, for `/video history` to show its start. */
export const HISTORY_PROMPT_CHARS = 120;

/** The index partitions a run is listed under. */
export function historyKeys(scope: UsageScope): Record<HistoryIndex, string> {
  return {
    requester: `${scope.platform}#${scope.workspace}#${scope.user}`,
    channel: `${scope.platform}#${scope.workspace}#${scope.channel}`,
  };
}

const S = (value: string): AttributeValue => ({ S: value });
const N = (value: number): AttributeValue => ({ N: String(value) });
const key = (k: ItemKey): Record<string, AttributeValue> => ({ pk: S(k.pk), sk: S(k.sk) });

/** The conditional write said no: a limit is reached, or the row already exists. */
export function isConditionFailure(error: unknown): boolean {
  return (error as Error | undefined)?.name === 'ConditionalCheckFailedException';
}

export class UsageLedger {
  constructor(
    private readonly client: DynamoDBClient,
    readonly table: string,
  ) {}

  /**
   * Opens the execution's row. False if it exists already: the command was delivered again, and
   * the first delivery did the counting.
   */
  async openRun(run: RunRecord): Promise<boolean> {
    const item: Record<string, AttributeValue> = {
      ...key(runKey(run.executionId)),
      platform: S(run.scope.platform),
      workspace: S(run.scope.workspace),
      channel: S(run.scope.channel),
      requester: S(run.scope.user),
      requesterName: S(run.requesterName),
      [HISTORY_INDEX.requester.partitionKey]: S(historyKeys(run.scope).requester),
      [HISTORY_INDEX.channel.partitionKey]: S(historyKeys(run.scope).channel),
      ...(run.prompt ? { prompt: S(run.prompt.slice(0, HISTORY_PROMPT_CHARS)) } : {}),
      model: S(run.model),
      durationSeconds: N(run.durationSeconds),
      requestedAt: N(run.requestedAt),
      day: S(periodsAt(run.requestedAt).day),
      outcome: S(run.outcome),
      expiresAt: N(Math.floor(run.requestedAt / 1000) + KEEP_ROWS_SECONDS),
    };
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.table,
          Item: item,
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** Removes a row whose command was refused or never started: the ledger lists executions only. */
  async dropRun(executionId: string): Promise<void> {
    await this.client.send(new DeleteItemCommand({ TableName: this.table, Key: key(runKey(executionId)) }));
  }

  /** The run's row as it is now (a strongly consistent read), or undefined if there is none. */
  async getRun(executionId: string): Promise<RunRecord | undefined> {
    const { Item } = await this.client.send(
      new GetItemCommand({ TableName: this.table, Key: key(runKey(executionId)), ConsistentRead: true }),
    );
    return Item ? runFromItem(Item) : undefined;
  }

  /**
   * Closes the row once: outcome, times and quota (unknown when `quota` is undefined). Undefined if
   * it was closed already (a retried step) or never opened.
   */
  async closeRun(
    executionId: string,
    result: Required<Pick<RunRecord, 'outcome' | 'finishedAt'>> &
      Pick<RunRecord, 'quota' | 'taskId' | 'submittedAt' | 'tellPending' | 'clipId'>,
  ): Promise<RunRecord | undefined> {
    const sets = ['outcome = :outcome', 'finishedAt = :finishedAt', 'quotaKnown = :quotaKnown'];
    const values: Record<string, AttributeValue> = {
      ':outcome': S(result.outcome),
      ':finishedAt': N(result.finishedAt),
      ':quotaKnown': { BOOL: result.quota !== undefined },
    };
    if (result.tellPending) {
      sets.push('tellPending = :tellPending');
      values[':tellPending'] = { BOOL: true };
    }
    const optional = {
      quota: result.quota,
      taskId: result.taskId,
      submittedAt: result.submittedAt,
      clipId: result.clipId,
    };
    for (const [name, value] of Object.entries(optional)) {
      if (value === undefined) continue;
      sets.push(`${name} = :${name}`);
      values[`:${name}`] = typeof value === 'number' ? N(value) : S(value);
    }
    try {
      const { Attributes } = await this.client.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: key(runKey(executionId)),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(finishedAt)',
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes ? runFromItem(Attributes) : undefined;
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  /**
   * Claims the run's one upload of its clip into chat. True for the first claim; false once an
   * attempt claimed it (a PostLink retried after its environment died may have uploaded already),
   * or when the run has no row.
   */
  claimClipUpload(executionId: string, at: number): Promise<boolean> {
    return this.updateRunRow(executionId, {
      UpdateExpression: 'SET clipUploadClaimedAt = :at',
      ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(clipUploadClaimedAt)',
      ExpressionAttributeValues: { ':at': N(at) },
    });
  }

  /**
   * The run's message in chat, if a step posted it as a new message (RunMessages): read
   * consistently, since the step that recorded it may have ended a moment ago.
   */
  async runMessage(executionId: string): Promise<string | undefined> {
    const { Item } = await this.client.send(
      new GetItemCommand({
        TableName: this.table,
        Key: key(runKey(executionId)),
        ProjectionExpression: 'messageId',
        ConsistentRead: true,
      }),
    );
    return Item?.messageId?.S;
  }

  /** Records the message a step just posted anew for the run. A run with no row has nothing to keep. */
  async recordRunMessage(executionId: string, messageId: string): Promise<void> {
    await this.updateRunRow(executionId, {
      UpdateExpression: 'SET messageId = :messageId',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':messageId': S(messageId) },
    });
  }

  /** One conditional update of the run's row: false when its condition did not hold. */
  private async updateRunRow(
    executionId: string,
    update: Required<
      Pick<UpdateItemCommandInput, 'UpdateExpression' | 'ConditionExpression' | 'ExpressionAttributeValues'>
    >,
  ): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateItemCommand({ TableName: this.table, Key: key(runKey(executionId)), ...update }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** The newest runs of a person (in a workspace) or of a channel: one Query of the index. */
  async history(index: HistoryIndex, scope: UsageScope, limit: number): Promise<RunRecord[]> {
    const { name, partitionKey } = HISTORY_INDEX[index];
    const { Items = [] } = await this.client.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: name,
        KeyConditionExpression: '#key = :key',
        ExpressionAttributeNames: { '#key': partitionKey },
        ExpressionAttributeValues: { ':key': S(historyKeys(scope)[index]) },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return Items.map(runFromItem);
  }

  /** The channel was told what RunEnded owed it: the row no longer says so. */
  async clearTellPending(executionId: string): Promise<void> {
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.table,
        Key: key(runKey(executionId)),
        UpdateExpression: 'REMOVE tellPending',
        ConditionExpression: 'attribute_exists(pk)',
      }),
    );
  }

  /**
   * Counts the run in the user's day and holds one of their concurrent slots, in one write:
   * refused (false) when the day already has `maxVideos` or `maxRunning` runs are in progress.
   */
  async reserve(
    userDay: ItemKey,
    token: string,
    expiresAt: number,
    limits: { maxVideos?: number | undefined; maxRunning?: number | undefined },
  ): Promise<boolean> {
    const conditions = [
      ...(limits.maxVideos === undefined ? [] : ['(attribute_not_exists(videos) OR videos < :maxVideos)']),
      ...(limits.maxRunning === undefined
        ? []
        : ['(attribute_not_exists(runs) OR size(runs) < :maxRunning)']),
    ];
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: key(userDay),
          UpdateExpression: 'ADD videos :one, runs :run SET expiresAt = :expiresAt',
          ...(conditions.length ? { ConditionExpression: conditions.join(' AND ') } : {}),
          ExpressionAttributeValues: {
            ':one': N(1),
            ':run': { SS: [token] },
            ':expiresAt': N(expiresAt),
            ...(limits.maxVideos === undefined ? {} : { ':maxVideos': N(limits.maxVideos) }),
            ...(limits.maxRunning === undefined ? {} : { ':maxRunning': N(limits.maxRunning) }),
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** Undoes `reserve`: the video out of the day's count, the slot freed. */
  async unreserve(userDay: ItemKey, token: string): Promise<void> {
    await this.releaseSlot(userDay, token, { uncount: true });
  }

  /**
   * Frees the run's slot; deleting a token twice frees nothing else. With `uncount`, also takes
   * the video back out of the day (not idempotent: for undoing a reservation once).
   */
  async releaseSlot(userDay: ItemKey, token: string, options: { uncount?: boolean } = {}): Promise<void> {
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.table,
        Key: key(userDay),
        UpdateExpression: `${options.uncount ? 'ADD videos :minus ' : ''}DELETE runs :run`,
        ExpressionAttributeValues: {
          ':run': { SS: [token] },
          ...(options.uncount ? { ':minus': N(-1) } : {}),
        },
      }),
    );
  }

  /** Adds to a counter, if the condition holds. False when it does not (the limit is reached). */
  async addToCounter(
    counter: ItemKey,
    delta: Partial<Counter>,
    expiresAt: number,
    condition?: CounterCondition,
  ): Promise<boolean> {
    const adds = Object.entries(delta).filter(([, v]) => v !== undefined && v !== 0);
    const values: Record<string, AttributeValue> = { ':expiresAt': N(expiresAt) };
    for (const [name, value] of adds) values[`:${name}`] = N(value);
    if (condition) values[':below'] = N(condition.below);
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: key(counter),
          UpdateExpression:
            (adds.length ? `ADD ${adds.map(([name]) => `${name} :${name}`).join(', ')} ` : '') +
            'SET expiresAt = :expiresAt',
          ...(condition
            ? {
                ConditionExpression: `attribute_not_exists(${condition.attribute}) OR ${condition.attribute} < :below`,
              }
            : {}),
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (condition && isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** When a counter row of this key may be deleted by TTL. */
  counterExpiry(counter: ItemKey, periodStart: number): number {
    const keep = counter.sk.startsWith('day#') ? KEEP_DAY_COUNTERS_SECONDS : KEEP_ROWS_SECONDS;
    return Math.floor(periodStart / 1000) + keep;
  }

  /** Counters and in-progress runs by key, read in one call (missing rows count zero). */
  async read(keys: ItemKey[]): Promise<Map<string, Counter & { running: number }>> {
    const unique = [...new Map(keys.map((k) => [`${k.pk}|${k.sk}`, k])).values()];
    const found = new Map<string, Counter & { running: number }>();
    let pending: Record<string, AttributeValue>[] = unique.map(key);
    while (pending.length > 0) {
      const { Responses, UnprocessedKeys } = await this.client.send(
        new BatchGetItemCommand({ RequestItems: { [this.table]: { Keys: pending } } }),
      );
      for (const item of Responses?.[this.table] ?? [])
        found.set(`${item.pk?.S}|${item.sk?.S}`, {
          videos: Number(item.videos?.N ?? 0),
          quota: Number(item.quota?.N ?? 0),
          running: item.runs?.SS?.length ?? 0,
        });
      pending = UnprocessedKeys?.[this.table]?.Keys ?? [];
    }
    const zero = { videos: 0, quota: 0, running: 0 };
    return new Map(unique.map((k) => [`${k.pk}|${k.sk}`, found.get(`${k.pk}|${k.sk}`) ?? zero]));
  }
}

/** A counter read from `read`, by its key. */
export function counterAt(
  counters: Map<string, Counter & { running: number }>,
  k: ItemKey,
): Counter & { running: number } {
  return counters.get(`${k.pk}|${k.sk}`) ?? { videos: 0, quota: 0, running: 0 };
}

export function runFromItem(item: Record<string, AttributeValue>): RunRecord {
  const number = (name: string) => (item[name]?.N === undefined ? undefined : Number(item[name].N));
  return {
    executionId: (item.pk?.S ?? '').replace(/^run#/, ''),
    scope: {
      platform: item.platform?.S ?? '',
      workspace: item.workspace?.S ?? '',
      channel: item.channel?.S ?? '',
      user: item.requester?.S ?? '',
    },
    requesterName: item.requesterName?.S ?? '',
    model: item.model?.S ?? '',
    durationSeconds: number('durationSeconds') ?? 0,
    requestedAt: number('requestedAt') ?? 0,
    outcome: item.outcome?.S ?? '',
    quota: number('quota'),
    taskId: item.taskId?.S,
    submittedAt: number('submittedAt'),
    finishedAt: number('finishedAt'),
    ...(item.tellPending?.BOOL ? { tellPending: true } : {}),
    ...(item.prompt?.S ? { prompt: item.prompt.S } : {}),
    ...(item.clipId?.S ? { clipId: item.clipId.S } : {}),
  };
}
