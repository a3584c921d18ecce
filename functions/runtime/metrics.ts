import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRIC, METRIC_DIMENSION, METRICS_NAMESPACE, METRICS_SERVICE } from '../core/operations-metrics.js';
import { logger } from './logger.js';

/**
 * clipbay's metrics (functions/core/operations-metrics.ts), written as CloudWatch embedded metric
 * format by Powertools Metrics: one JSON line on stdout per invocation that recorded any, which
 * CloudWatch Logs turns into metrics. No API call, nothing sent while the handler waits.
 */
const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: METRICS_SERVICE });

/** Records and writes; a metric that cannot be written never fails the request or the step. */
function publish(record: () => void): void {
  try {
    record();
    metrics.publishStoredMetrics();
  } catch (error) {
    logger.warn('metrics not written', { errorMessage: (error as Error).message });
  }
}

/** A video run started from chat (published with the ingress invocation's other metrics). */
export function countCommandAccepted(): void {
  metrics.addMetric(METRIC.commandsAccepted, MetricUnit.Count, 1);
}

/**
 * An ingress handler that records how long it took to answer (AckLatency, from the handler's
 * start, so a cold start's init is not in it: Lambda's InitDuration is) and publishes it, with
 * whatever the invocation counted, under the platform's dimension.
 */
export function measuredIngress<Args extends unknown[], Answer>(
  platformId: string,
  handler: (...args: Args) => Promise<Answer>,
): (...args: Args) => Promise<Answer> {
  return async (...args) => {
    const started = performance.now();
    try {
      return await handler(...args);
    } finally {
      publish(() => {
        metrics.addDimension(METRIC_DIMENSION.platform, platformId);
        metrics.addMetric(
          METRIC.ackLatency,
          MetricUnit.Milliseconds,
          Math.round(performance.now() - started),
        );
      });
    }
  };
}

/**
 * A run this invocation settled (closed its ledger row, so a retried settle counts nothing):
 * VideosSucceeded or VideosFailed, and the TokenBay quota its task used when TokenBay said.
 */
export function publishRunSettled(run: { succeeded: boolean; quota: number | null }): void {
  publish(() => {
    metrics.addMetric(run.succeeded ? METRIC.videosSucceeded : METRIC.videosFailed, MetricUnit.Count, 1);
    if (run.quota !== null) metrics.addMetric(METRIC.tokenBayQuota, MetricUnit.Count, run.quota);
  });
}
