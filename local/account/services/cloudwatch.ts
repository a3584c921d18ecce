import type { AccountIam } from '../account-iam.js';
import { AwsServiceError } from '../account-errors.js';
import type { Principal } from '../principals.js';
import { LOCAL_ACCOUNT, type TemplateResolver } from '../template.js';

/** What CloudWatch says an alarm is. */
export const ALARM_STATE = { ok: 'OK', alarm: 'ALARM', insufficientData: 'INSUFFICIENT_DATA' } as const;
export type AlarmState = (typeof ALARM_STATE)[keyof typeof ALARM_STATE];

/** What CloudWatch says of an alarm it has not evaluated yet. */
export const INITIAL_STATE_REASON = 'Unchecked: Initial alarm creation';

/** One metric alarm as DescribeAlarms answers it (the JSON protocol's field names; times as Dates). */
export interface LocalMetricAlarm {
  AlarmName: string;
  AlarmArn: string;
  AlarmDescription?: string;
  AlarmConfigurationUpdatedTimestamp: Date;
  ActionsEnabled: boolean;
  OKActions: string[];
  AlarmActions: string[];
  InsufficientDataActions: string[];
  StateValue: AlarmState;
  StateReason: string;
  StateUpdatedTimestamp: Date;
  StateTransitionedTimestamp: Date;
  MetricName?: string;
  Namespace?: string;
  Statistic?: string;
  ExtendedStatistic?: string;
  Dimensions: { Name: string; Value: string }[];
  Period?: number;
  Unit?: string;
  EvaluationPeriods: number;
  DatapointsToAlarm?: number;
  Threshold?: number;
  ComparisonOperator: string;
  TreatMissingData?: string;
}

/** DescribeAlarms answers at most this many alarms per page unless MaxRecords says fewer. */
const DEFAULT_PAGE = 50;

/**
 * CloudWatch, as far as the operator's tools need it: DescribeAlarms of the template's metric
 * alarms (`AWS::CloudWatch::Alarm`, every intrinsic resolved as the account resolves it), and
 * SetAlarmState. The account evaluates no metric, so each alarm stays as CloudWatch makes a new
 * one, `INSUFFICIENT_DATA` ("Unchecked: Initial alarm creation"), until something sets its state:
 * a test, through `setAlarmState`, or an operator with `aws cloudwatch set-alarm-state`. Nothing
 * is notified on a change (the account has no SNS).
 *
 * The wire protocol is AWS JSON 1.0 (`X-Amz-Target: GraniteServiceVersion20100801.DescribeAlarms`),
 * which both the AWS SDK's CloudWatch client and the AWS CLI use now (each sends
 * `x-amzn-query-mode`, as for any service that left the query protocol). Every call is checked
 * against IAM: the functions' roles have no CloudWatch grant; the operator may.
 */
export class CloudWatchService {
  private readonly alarms: Map<string, LocalMetricAlarm>;

  constructor(
    resolver: TemplateResolver,
    private readonly iam: AccountIam,
    private readonly now: () => Date = () => new Date(),
  ) {
    const created = this.now();
    this.alarms = new Map(
      resolver.resourcesOfType('AWS::CloudWatch::Alarm').map(([id, resource]) => {
        const alarm = metricAlarm(
          id,
          resolver.resolve(resource.Properties ?? {}) as AlarmProperties,
          created,
        );
        return [alarm.AlarmName, alarm] as const;
      }),
    );
  }

  /** The template's alarms, by name, as DescribeAlarms would answer them now. */
  list(): LocalMetricAlarm[] {
    return [...this.alarms.values()]
      .sort((a, b) => (a.AlarmName < b.AlarmName ? -1 : 1))
      .map((alarm) => structuredClone(alarm));
  }

  /**
   * Puts an alarm in a state, as CloudWatch's SetAlarmState does (for tests, and what `doctor`
   * reports then). Throws ResourceNotFound for a name the template has no alarm of.
   */
  setAlarmState(name: string, state: AlarmState, reason = `Set to ${state} in the local account`): void {
    const alarm = this.alarms.get(name);
    if (!alarm) throw new AwsServiceError('ResourceNotFound', `Alarm ${name} not found`, 404);
    if (!Object.values(ALARM_STATE).includes(state))
      throw new AwsServiceError('InvalidFormat', `Unknown alarm state ${state}.`);
    const at = this.now();
    if (alarm.StateValue !== state) alarm.StateTransitionedTimestamp = at;
    alarm.StateValue = state;
    alarm.StateReason = reason;
    alarm.StateUpdatedTimestamp = at;
  }

  /** One JSON 1.0 call (`GraniteServiceVersion20100801.<operation>`): the answer's body. */
  handle(operation: string, body: Record<string, unknown>, principal: Principal): unknown {
    switch (operation) {
      case 'DescribeAlarms':
        this.iam.authorize(
          principal,
          { action: 'cloudwatch:DescribeAlarms', resource: alarmArn('*') },
          { deny: denied(principal) },
        );
        return this.describeAlarms(body);
      case 'SetAlarmState': {
        const name = String(body.AlarmName ?? '');
        this.iam.authorize(
          principal,
          { action: 'cloudwatch:SetAlarmState', resource: alarmArn(name) },
          { deny: denied(principal) },
        );
        if (typeof body.StateReason !== 'string' || !body.StateReason)
          throw new AwsServiceError('ValidationError', 'StateReason is required.');
        this.setAlarmState(name, body.StateValue as AlarmState, body.StateReason);
        return {};
      }
      default:
        throw new AwsServiceError(
          'UnknownOperationException',
          `The local account's CloudWatch answers DescribeAlarms and SetAlarmState, not ${operation}.`,
        );
    }
  }

  private describeAlarms(body: Record<string, unknown>): unknown {
    const names = body.AlarmNames as string[] | undefined;
    const prefix = body.AlarmNamePrefix as string | undefined;
    const state = body.StateValue as string | undefined;
    const actionPrefix = body.ActionPrefix as string | undefined;
    const types = (body.AlarmTypes as string[] | undefined) ?? ['MetricAlarm'];
    const max = body.MaxRecords === undefined ? DEFAULT_PAGE : Number(body.MaxRecords);
    if (names?.length && prefix !== undefined)
      throw new AwsServiceError(
        'InvalidParameterCombination',
        'AlarmNames and AlarmNamePrefix cannot be specified together.',
      );
    if (body.ChildrenOfAlarmName !== undefined || body.ParentsOfAlarmName !== undefined)
      // Only composite alarms have children or parents, and the template has none.
      return { MetricAlarms: [], CompositeAlarms: [] };
    if (state !== undefined && !Object.values(ALARM_STATE).includes(state as AlarmState))
      throw new AwsServiceError('ValidationError', `StateValue must be OK, ALARM or INSUFFICIENT_DATA.`);
    if (!Number.isInteger(max) || max < 1 || max > 100)
      throw new AwsServiceError('ValidationError', 'MaxRecords must be between 1 and 100.');
    const start = body.NextToken === undefined ? 0 : pageStart(String(body.NextToken));

    const matching = types.includes('MetricAlarm')
      ? this.list().filter(
          (alarm) =>
            (!names?.length || names.includes(alarm.AlarmName)) &&
            (prefix === undefined || alarm.AlarmName.startsWith(prefix)) &&
            (state === undefined || alarm.StateValue === state) &&
            (actionPrefix === undefined ||
              [...alarm.OKActions, ...alarm.AlarmActions, ...alarm.InsufficientDataActions].some((a) =>
                a.startsWith(actionPrefix),
              )),
        )
      : [];
    const page = matching.slice(start, start + max);
    return {
      MetricAlarms: page.map(wireAlarm),
      ...(types.includes('CompositeAlarm') ? { CompositeAlarms: [] } : {}),
      ...(start + max < matching.length
        ? { NextToken: Buffer.from(String(start + max)).toString('base64') }
        : {}),
    };
  }
}

/**
 * The properties of an `AWS::CloudWatch::Alarm`, resolved: the alarm's own fields as DescribeAlarms
 * answers them, all optional in a template but the evaluation periods and the comparison.
 */
type AlarmProperties = Partial<
  Pick<
    LocalMetricAlarm,
    | 'AlarmName'
    | 'AlarmDescription'
    | 'ActionsEnabled'
    | 'OKActions'
    | 'AlarmActions'
    | 'InsufficientDataActions'
    | 'MetricName'
    | 'Namespace'
    | 'Statistic'
    | 'ExtendedStatistic'
    | 'Dimensions'
    | 'Period'
    | 'Unit'
    | 'DatapointsToAlarm'
    | 'Threshold'
    | 'TreatMissingData'
  >
> &
  Pick<LocalMetricAlarm, 'EvaluationPeriods' | 'ComparisonOperator'>;

function metricAlarm(logicalId: string, p: AlarmProperties, created: Date): LocalMetricAlarm {
  // Unnamed, CloudFormation names an alarm after the stack and its logical id.
  const name = p.AlarmName ?? `Clipbay-${logicalId}`;
  const optional = <K extends keyof AlarmProperties>(key: K) =>
    p[key] === undefined ? {} : ({ [key]: p[key] } as Pick<AlarmProperties, K>);
  return {
    AlarmName: name,
    AlarmArn: alarmArn(name),
    ...optional('AlarmDescription'),
    AlarmConfigurationUpdatedTimestamp: created,
    ActionsEnabled: p.ActionsEnabled ?? true,
    OKActions: p.OKActions ?? [],
    AlarmActions: p.AlarmActions ?? [],
    InsufficientDataActions: p.InsufficientDataActions ?? [],
    StateValue: ALARM_STATE.insufficientData,
    StateReason: INITIAL_STATE_REASON,
    StateUpdatedTimestamp: created,
    StateTransitionedTimestamp: created,
    ...optional('MetricName'),
    ...optional('Namespace'),
    ...optional('Statistic'),
    ...optional('ExtendedStatistic'),
    Dimensions: p.Dimensions ?? [],
    ...(p.Period === undefined ? {} : { Period: Number(p.Period) }),
    ...optional('Unit'),
    EvaluationPeriods: Number(p.EvaluationPeriods),
    ...(p.DatapointsToAlarm === undefined ? {} : { DatapointsToAlarm: Number(p.DatapointsToAlarm) }),
    ...(p.Threshold === undefined ? {} : { Threshold: Number(p.Threshold) }),
    ComparisonOperator: p.ComparisonOperator,
    ...optional('TreatMissingData'),
  };
}

/** JSON 1.0 writes timestamps as epoch seconds. */
function wireAlarm(alarm: LocalMetricAlarm): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(alarm).map(([key, value]) => [
      key,
      value instanceof Date ? value.getTime() / 1000 : value,
    ]),
  );
}

function alarmArn(name: string): string {
  const { partition, region, accountId } = LOCAL_ACCOUNT;
  return `arn:${partition}:cloudwatch:${region}:${accountId}:alarm:${name}`;
}

function pageStart(token: string): number {
  const start = Number(Buffer.from(token, 'base64').toString('utf8'));
  if (!Number.isInteger(start) || start < 0)
    throw new AwsServiceError('InvalidNextToken', 'The next token is invalid.');
  return start;
}

/** CloudWatch's refusal: `AccessDenied` (its query-protocol code, which the JSON protocol keeps). */
function denied(principal: Principal) {
  return (action: string, resource: string, reason: string) =>
    new AwsServiceError(
      'AccessDenied',
      `User: ${principal.arn} is not authorized to perform: ${action} on resource: ${resource} because ${reason}`,
      403,
    );
}
