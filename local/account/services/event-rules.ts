import { randomUUID } from 'node:crypto';
import type { LambdaFunction } from '../lambda/lambda-function.js';
import { LOCAL_ACCOUNT, type TemplateResolver } from '../template.js';

/** An event as EventBridge puts it on the default bus. */
export interface BusEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}

export interface Delivery {
  rule: string;
  target: string;
  event: BusEvent;
  /** How many times the function ran for it (Lambda's asynchronous invocation tries 3 times). */
  attempts: number;
  ok: boolean;
  error?: string;
}

interface RuleTarget {
  id: string;
  arn: string;
}

interface EventRule {
  logicalId: string;
  arn: string;
  pattern: Record<string, unknown>;
  targets: RuleTarget[];
}

/**
 * Function errors on an asynchronous invocation are retried twice by Lambda (3 attempts in all).
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html
 */
const ASYNC_ATTEMPTS = 3;
/** A throttled asynchronous invocation waits in Lambda's queue; locally it is tried this often. */
const MAX_THROTTLED_TRIES = 100;

/**
 * The template's EventBridge rules on the default bus: an event put on the bus is matched against
 * every enabled rule's pattern (exact values, `prefix`, `anything-but`, `exists`), and each matching
 * rule's Lambda targets are invoked asynchronously, as EventBridge does, only if the function's
 * resource policy (an `AWS::Lambda::Permission` for events.amazonaws.com from that rule) allows it.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html
 */
export class EventRules {
  readonly deliveries: Delivery[] = [];
  private readonly rules: EventRule[] = [];
  /** `functionArn ruleArn` pairs that a Lambda permission lets EventBridge invoke. */
  private readonly permitted = new Set<string>();
  private readonly pending = new Set<Promise<void>>();

  constructor(
    resolver: TemplateResolver,
    private readonly functions: Map<string, LambdaFunction>,
    private readonly options: { retryIntervalMs: number; log?: (line: string) => void },
  ) {
    for (const [id, rule] of resolver.resourcesOfType('AWS::Events::Rule')) {
      const props = rule.Properties ?? {};
      if ((props.State ?? 'ENABLED') !== 'ENABLED') continue;
      if (props.EventBusName !== undefined && resolver.string(props.EventBusName) !== 'default')
        throw new Error(`Rule ${id} is on another event bus, which the local account does not run.`);
      if (!props.EventPattern)
        throw new Error(`Rule ${id} has no EventPattern (schedules are not run locally).`);
      this.rules.push({
        logicalId: id,
        arn: resolver.getAtt(id, 'Arn'),
        pattern: resolver.resolve(props.EventPattern) as Record<string, unknown>,
        targets: (resolver.resolve(props.Targets ?? []) as { Id: string; Arn: string }[]).map((t) => ({
          id: t.Id,
          arn: t.Arn,
        })),
      });
    }
    for (const [, permission] of resolver.resourcesOfType('AWS::Lambda::Permission')) {
      const props = resolver.resolve(permission.Properties) as Record<string, string>;
      if (props.Principal !== 'events.amazonaws.com' || props.Action !== 'lambda:InvokeFunction') continue;
      this.permitted.add(`${props.FunctionName} ${props.SourceArn ?? '*'}`);
    }
  }

  /** Puts one event on the default bus, as an AWS service does; deliveries run in the background. */
  put(fields: Pick<BusEvent, 'source' | 'detail-type' | 'resources' | 'detail'>): BusEvent {
    const event: BusEvent = {
      version: '0',
      id: randomUUID(),
      account: LOCAL_ACCOUNT.accountId,
      time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: LOCAL_ACCOUNT.region,
      ...fields,
    };
    for (const rule of this.rules) {
      if (!matches(rule.pattern, event as unknown as Record<string, unknown>)) continue;
      for (const target of rule.targets) {
        const delivery = this.deliver(rule, target, event).finally(() => this.pending.delete(delivery));
        this.pending.add(delivery);
      }
    }
    return event;
  }

  /** Resolves once every delivery in flight (and any it led to) has ended. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  private async deliver(rule: EventRule, target: RuleTarget, event: BusEvent): Promise<void> {
    const delivery: Delivery = { rule: rule.logicalId, target: target.id, event, attempts: 0, ok: false };
    this.deliveries.push(delivery);
    const fn = [...this.functions.values()].find((f) => f.functionArn === target.arn);
    if (!fn) {
      delivery.error = `Target ${target.arn} is not a function of this template.`;
      return this.options.log?.(`EventBridge rule ${rule.logicalId}: ${delivery.error}`);
    }
    if (!this.permitted.has(`${fn.functionArn} ${rule.arn}`) && !this.permitted.has(`${fn.functionArn} *`)) {
      delivery.error = `events.amazonaws.com may not invoke ${fn.logicalId} for rule ${rule.logicalId} (no Lambda permission).`;
      return this.options.log?.(`EventBridge: ${delivery.error}`);
    }
    // Lambda's queue for asynchronous invocations keeps a throttled event (for up to 6 hours) and
    // tries a function error 3 times in all.
    let throttles = 0;
    for (let attempt = 1; attempt <= ASYNC_ATTEMPTS;) {
      delivery.attempts = attempt;
      try {
        await fn.invoke(event);
        delivery.ok = true;
        delete delivery.error;
        return;
      } catch (error) {
        delivery.error = `${(error as Error).name}: ${(error as Error).message}`;
        const throttled = (error as Error).name === 'Lambda.TooManyRequestsException';
        if (throttled && ++throttles > MAX_THROTTLED_TRIES) return;
        if (!throttled) {
          this.options.log?.(`EventBridge → ${fn.logicalId} attempt ${attempt} failed: ${delivery.error}`);
          attempt++;
        }
        await new Promise((resolve) => setTimeout(resolve, this.options.retryIntervalMs));
      }
    }
  }
}

/**
 * EventBridge's matching: every field the pattern names must match; a list matches if any of its
 * elements does; an object descends. Anything it does not know is refused rather than guessed.
 */
export function matches(pattern: Record<string, unknown>, event: Record<string, unknown>): boolean {
  return Object.entries(pattern).every(([key, expected]) => {
    const actual = event[key];
    if (Array.isArray(expected)) return expected.some((element) => matchesElement(element, actual));
    if (expected && typeof expected === 'object')
      return (
        actual !== null &&
        typeof actual === 'object' &&
        !Array.isArray(actual) &&
        matches(expected as Record<string, unknown>, actual as Record<string, unknown>)
      );
    throw new Error(`Event pattern field ${key} must be a list or an object.`);
  });
}

function matchesElement(element: unknown, actual: unknown): boolean {
  const values = Array.isArray(actual) ? actual : [actual];
  if (element === null || typeof element !== 'object')
    return actual !== undefined && values.some((v) => v === element);
  const [[operator, operand]] = Object.entries(element as Record<string, unknown>) as [[string, unknown]];
  switch (operator) {
    case 'exists':
      return operand === (actual !== undefined);
    case 'prefix':
      return values.some((v) => typeof v === 'string' && v.startsWith(String(operand)));
    case 'anything-but': {
      const excluded = Array.isArray(operand) ? operand : [operand];
      if (excluded.some((e) => e !== null && typeof e === 'object'))
        throw new Error(
          'Event pattern operator anything-but with a nested operator is not supported locally.',
        );
      return actual !== undefined && values.every((v) => !excluded.includes(v));
    }
    default:
      throw new Error(`Event pattern operator ${operator} is not supported locally.`);
  }
}
