import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import type { AccountIam } from '../account-iam.js';
import { AwsServiceError } from '../account-errors.js';
import type { Principal } from '../principals.js';
import type { TemplateResolver } from '../template.js';
import { closeServer } from '../../http/http-helpers.js';

const TARGET_PREFIX = 'DynamoDB_20120810';
/** What dynalite needs to see to accept a request; the account's endpoint has already verified the real one. */
const FORWARDED_AUTHORIZATION =
  'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0';

/** The table properties of `AWS::DynamoDB::Table` that CreateTable takes as they are. */
const CREATE_TABLE_PROPERTIES = [
  'AttributeDefinitions',
  'KeySchema',
  'GlobalSecondaryIndexes',
  'LocalSecondaryIndexes',
] as const;

/**
 * DynamoDB for the template's tables: a real DynamoDB API server (dynalite, in memory) behind the
 * account's endpoint, so the functions' SDK calls are signed, checked against their roles
 * (`dynamodb:<Operation>` on the table's ARN) and then answered with DynamoDB's own validation and
 * conditional-write semantics. Tables are created as CloudFormation would, from the template.
 * Time to live and point-in-time recovery are properties AWS acts on later; they are not emulated.
 */
export class DynamoDbService {
  /** Fault injection: the next N data-plane calls answer ThrottlingException. */
  throttleNext = 0;
  calls = 0;
  /** Requests forwarded to the table and not answered yet. */
  private readonly inFlight = new Set<Promise<unknown>>();

  private constructor(
    private readonly server: Server,
    private readonly url: string,
    /** Physical table name → ARN. */
    private readonly tables: Map<string, string>,
    private readonly iam: AccountIam,
  ) {}

  static async start(resolver: TemplateResolver, iam: AccountIam): Promise<DynamoDbService> {
    const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const tables = new Map<string, string>();
    const service = new DynamoDbService(server, url, tables, iam);
    for (const [id, table] of resolver.resourcesOfType('AWS::DynamoDB::Table')) {
      const name = resolver.ref(id);
      tables.set(name, resolver.getAtt(id, 'Arn'));
      const props = resolver.resolve(table.Properties ?? {}) as Record<string, unknown>;
      const create: Record<string, unknown> = { TableName: name, BillingMode: 'PAY_PER_REQUEST' };
      for (const key of CREATE_TABLE_PROPERTIES) if (props[key] !== undefined) create[key] = props[key];
      await service.forward('CreateTable', create);
    }
    return service;
  }

  /** Physical table names, for tests that read the table as the operator would. */
  get tableNames(): string[] {
    return [...this.tables.keys()];
  }

  async handle(operation: string, body: Record<string, unknown>, principal: Principal): Promise<unknown> {
    this.calls++;
    for (const table of tablesOf(operation, body)) {
      const arn = this.tables.get(table);
      if (!arn) throw new AwsServiceError('ResourceNotFoundException', 'Requested resource not found');
      // A Query or Scan of an index is authorized on the index's ARN (`table/T/index/I`), as in AWS.
      const resource = typeof body.IndexName === 'string' ? `${arn}/index/${body.IndexName}` : arn;
      this.iam.authorize(principal, { action: `dynamodb:${operation}`, resource });
    }
    if (this.throttleNext > 0) {
      this.throttleNext--;
      throw new AwsServiceError(
        'ThrottlingException',
        'Throughput exceeds the current capacity of your table.',
      );
    }
    const forwarded = this.forward(operation, body);
    this.inFlight.add(forwarded);
    try {
      return await forwarded;
    } finally {
      this.inFlight.delete(forwarded);
    }
  }

  /**
   * Waits for the writes still on their way to the table first: a function's last UpdateItem
   * (a settle at the end of a test) reaching a closed database would throw inside dynalite, where
   * nothing can catch it.
   */
  async close(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
    await closeServer(this.server);
  }

  private async forward(operation: string, body: Record<string, unknown>): Promise<unknown> {
    const response = await fetch(this.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': `${TARGET_PREFIX}.${operation}`,
        'x-amz-date': '20260101T000000Z',
        authorization: FORWARDED_AUTHORIZATION,
      },
      body: JSON.stringify(body),
    });
    const answer = (await response.json()) as Record<string, unknown>;
    if (response.ok) return answer;
    const code = String(answer.__type ?? 'InternalServerError')
      .split('#')
      .pop()!;
    throw new AwsServiceError(code, String(answer.message ?? answer.Message ?? code), response.status);
  }
}

/** The tables a request touches: `TableName`, or the keys of a batch's `RequestItems`. */
function tablesOf(operation: string, body: Record<string, unknown>): string[] {
  if (operation === 'ListTables') return [];
  if (typeof body.TableName === 'string') return [body.TableName];
  if (body.RequestItems && typeof body.RequestItems === 'object') return Object.keys(body.RequestItems);
  throw new AwsServiceError('ValidationException', `${operation} names no table.`);
}
