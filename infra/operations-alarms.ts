import { Duration, Stack } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  Metric,
  TreatMissingData,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { FilterPattern, MetricFilter, type ILogGroup } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { RegisteredPlatform } from '@clipbay/platforms';
import { METRICS_NAMESPACE } from '../functions/core/operations-metrics.js';

/**
 * The HTTP API publishes `4xx` and `5xx` but no metric of its own for throttling; a 429 is counted
 * from the stage's access log (its `status` field) by a metric filter, under this name.
 */
export const API_THROTTLED_METRIC = 'ApiThrottled';

/** Every alarm's name starts with the stack's name (`Clipbay-ExecutionsFailed`). */
export function alarmNamePrefix(scope: Construct): string {
  return `${Stack.of(scope).stackName}-`;
}

export interface OperationsAlarmsProps {
  stateMachine: StateMachine;
  /** Each registered platform's ingress function. */
  ingress: readonly { platform: RegisteredPlatform; fn: IFunction }[];
  api: HttpApi;
  /** The stage's access log (JSON, with `status`). */
  apiAccessLogs: ILogGroup;
  saveToS3: IFunction;
  postLink: IFunction;
  /** Where each alarm says it fired and that it cleared; none: the alarms are only seen (console, doctor). */
  notify?: ITopic;
}

const FIVE_MINUTES = Duration.minutes(5);
const FIFTEEN_MINUTES = Duration.minutes(15);

/**
 * What tells an operator clipbay is unwell, each alarm named `<stack>-<what>` and saying what to
 * do: runs failing or timing out, an ingress failing (someone's `/video` got an error), the HTTP
 * API's 5xx and 429, SaveToS3 and PostLink failing. Every alarm treats missing data as not
 * breaching: a quiet hour is not an outage.
 */
export class OperationsAlarms extends Construct {
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: OperationsAlarmsProps) {
    super(scope, id);
    const prefix = alarmNamePrefix(this);
    const alarm = (name: string, metric: IMetric, threshold: number, description: string): void => {
      const created = new Alarm(this, name, {
        alarmName: `${prefix}${name}`,
        alarmDescription: description,
        metric,
        threshold,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      if (props.notify) {
        created.addAlarmAction(new SnsAction(props.notify));
        created.addOkAction(new SnsAction(props.notify));
      }
      this.alarms.push(created);
    };
    const sum = (period: Duration) => ({ period, statistic: 'Sum' });
    const chat = props.ingress.map(({ platform }) => platform.label).join(' and ');

    alarm(
      'ExecutionsFailed',
      props.stateMachine.metricFailed(sum(FIFTEEN_MINUTES)),
      3,
      'Three or more clipbay video runs failed within 15 minutes; each run already told its channel why. ' +
        'Run `npm run doctor` (the last executions, the newest failure’s error and reference) or open the state machine’s failed executions in the Step Functions console. ' +
        'TokenBay refusing a prompt or an image needs no fix; TokenBayAuthError: fill the TokenBay secret with a valid key; AccessDenied: a role lacks a grant (the step’s log line names the call); ' +
        `chat errors: check the ${chat} secrets.`,
    );
    alarm(
      'ExecutionsTimedOut',
      props.stateMachine.metricTimedOut(sum(FIVE_MINUTES)),
      1,
      'A clipbay run reached the execution’s own time limit (the editing deadline plus 2 hours), which only a step that hangs reaches; RunEnded settled the run and told its channel. ' +
        'Open the timed-out execution in the Step Functions console: its history shows the state that hung; read that function’s log group.',
    );
    for (const { platform, fn } of props.ingress)
      alarm(
        `${platform.label}IngressErrors`,
        fn.metricErrors(sum(FIVE_MINUTES)),
        1,
        `The ${platform.label} ingress failed with an error it did not answer, so someone’s /video got an error in ${platform.label} instead of an answer. ` +
          `Read the ${platform.ingress.functionId} log group for the error; \`npm run doctor\` checks the ${platform.label} secret and setup.`,
      );
    alarm(
      'Api5xx',
      props.api.metricServerError(sum(FIVE_MINUTES)),
      3,
      'The HTTP API answered three or more requests with a 5xx within 5 minutes: an ingress or the share link failed or timed out, or Lambda throttled it (the account’s concurrency quota: Service Quotas, AWS Lambda, Concurrent executions). ' +
        'The ingress alarms and the functions’ logs say which; the API’s access log (ApiAccessLogs) has each request’s route and status.',
    );
    new MetricFilter(this, 'ApiThrottledFilter', {
      logGroup: props.apiAccessLogs,
      filterPattern: FilterPattern.stringValue('$.status', '=', '429'),
      metricNamespace: METRICS_NAMESPACE,
      metricName: API_THROTTLED_METRIC,
      metricValue: '1',
    });
    alarm(
      'ApiThrottled',
      new Metric({ namespace: METRICS_NAMESPACE, metricName: API_THROTTLED_METRIC, ...sum(FIVE_MINUTES) }),
      1,
      'The HTTP API’s stage throttle answered 429 before any Lambda ran, so chat showed those people an error. ' +
        'If it was real traffic, raise STAGE_THROTTLE in infra/clipbay-stack.ts and deploy; if not, the access log (ApiAccessLogs) shows where the flood came from.',
    );
    alarm(
      'SaveToS3Errors',
      props.saveToS3.metricErrors(sum(FIFTEEN_MINUTES)),
      3,
      'SaveToS3 failed three or more times within 15 minutes (the state machine retries a broken download; runs that still failed told their channel). ' +
        'Read the SaveToS3Fn log group: AccessDenied: its role’s S3 grant; TransferIntegrityError: TokenBay sent other bytes than it announced; TokenBay 5xx: TokenBay is having trouble.',
    );
    alarm(
      'PostLinkErrors',
      props.postLink.metricErrors(sum(FIFTEEN_MINUTES)),
      3,
      'PostLink failed three or more times within 15 minutes: clips were made but chat did not take the message (down, rate limiting, or refusing it). ' +
        'Read the PostLinkFn log group (the error names chat’s answer); `npm run doctor` checks the bot tokens and scopes. The clips are in S3 and their share links work.',
    );
  }
}
