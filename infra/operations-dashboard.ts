import { Duration, Stack } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  AlarmStatusWidget,
  Dashboard,
  GraphWidget,
  Metric,
  TextWidget,
  type IAlarm,
} from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import type { RegisteredPlatform } from '@clipbay/platforms';
import {
  METRIC,
  METRIC_DIMENSION,
  METRICS_NAMESPACE,
  METRICS_SERVICE,
} from '../functions/core/operations-metrics.js';
import { API_THROTTLED_METRIC } from './operations-alarms.js';

export interface OperationsDashboardProps {
  platforms: readonly RegisteredPlatform[];
  api: HttpApi;
  alarms: readonly IAlarm[];
}

/** The chat platforms' limit on the answer to a command (cold start included), drawn on the ack latency graph. */
const ACK_LIMIT_MS = 3000;
const FIVE_MINUTES = Duration.minutes(5);
const WIDTH = 8;
const HEIGHT = 6;

/**
 * One CloudWatch dashboard, named after the stack: the commands accepted per platform, videos
 * succeeded and failed, the ingress's ack latency (p50 and p99, with the platforms' 3 s), the
 * TokenBay quota used per day, the HTTP API's errors and the alarms. The first four are the
 * metrics the functions emit (functions/core/operations-metrics.ts).
 */
export class OperationsDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: OperationsDashboardProps) {
    super(scope, id);
    const clipbay = (
      metricName: string,
      options: { platform?: string; statistic?: string; period?: Duration; label?: string } = {},
    ) =>
      new Metric({
        namespace: METRICS_NAMESPACE,
        metricName,
        dimensionsMap: {
          [METRIC_DIMENSION.service]: METRICS_SERVICE,
          ...(options.platform ? { [METRIC_DIMENSION.platform]: options.platform } : {}),
        },
        statistic: options.statistic ?? 'Sum',
        period: options.period ?? FIVE_MINUTES,
        ...(options.label ? { label: options.label } : {}),
      });
    const graph = (
      title: string,
      left: Metric[],
      extra: Partial<ConstructorParameters<typeof GraphWidget>[0]> = {},
    ) => new GraphWidget({ title, left, width: WIDTH, height: HEIGHT, ...extra });

    this.dashboard = new Dashboard(this, 'Dashboard', { dashboardName: Stack.of(this).stackName });
    this.dashboard.addWidgets(
      new TextWidget({
        markdown:
          '## clipbay\nWhat each graph and alarm means, and what to do: docs/OPERATING.md, "Alarms and the dashboard".',
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(
      graph(
        'Commands accepted (video runs started)',
        props.platforms.map((p) => clipbay(METRIC.commandsAccepted, { platform: p.id, label: p.label })),
      ),
      graph('Videos', [
        clipbay(METRIC.videosSucceeded, { label: 'succeeded' }),
        clipbay(METRIC.videosFailed, { label: 'failed' }),
      ]),
      graph(
        'Ack latency (ms)',
        props.platforms.flatMap((p) =>
          ['p50', 'p99'].map((statistic) =>
            clipbay(METRIC.ackLatency, { platform: p.id, statistic, label: `${p.label} ${statistic}` }),
          ),
        ),
        { leftAnnotations: [{ value: ACK_LIMIT_MS, label: 'the platforms’ 3 s' }] },
      ),
    );
    this.dashboard.addWidgets(
      graph(
        'TokenBay quota per day',
        [clipbay(METRIC.tokenBayQuota, { period: Duration.days(1), label: 'quota' })],
        { start: '-P14D' },
      ),
      graph('HTTP API errors', [
        props.api.metricServerError({ period: FIVE_MINUTES, statistic: 'Sum', label: '5xx' }),
        props.api.metricClientError({ period: FIVE_MINUTES, statistic: 'Sum', label: '4xx (429 included)' }),
        new Metric({
          namespace: METRICS_NAMESPACE,
          metricName: API_THROTTLED_METRIC,
          statistic: 'Sum',
          period: FIVE_MINUTES,
          label: '429 (throttled)',
        }),
      ]),
      new AlarmStatusWidget({ title: 'Alarms', alarms: [...props.alarms], width: WIDTH, height: HEIGHT }),
    );
  }
}
