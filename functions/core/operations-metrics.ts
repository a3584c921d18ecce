/**
 * The metrics clipbay's functions emit in CloudWatch's embedded metric format (Powertools Metrics,
 * functions/runtime/metrics.ts), which the stack's dashboard reads (infra/operations-dashboard.ts).
 * One table, so a metric renamed here is renamed on both sides.
 */
export const METRICS_NAMESPACE = 'Clipbay';

/** Powertools' `service` dimension, on every metric (also the Lambdas' POWERTOOLS_SERVICE_NAME). */
export const METRICS_SERVICE = 'clipbay';

export const METRIC_DIMENSION = {
  /** Powertools adds it to every metric, with METRICS_SERVICE. */
  service: 'service',
  /** A registered platform's id (`slack`, `discord`): on the ingress metrics only. */
  platform: 'platform',
} as const;

export const METRIC = {
  /** Ingress, per platform: a video run started (a command, a form, a Re-roll; not a redelivery). Count. */
  commandsAccepted: 'CommandsAccepted',
  /** Ingress, per platform: how long the handler took to answer the request, in milliseconds. */
  ackLatency: 'AckLatency',
  /** SettleUsage (or RunEnded, for a run it settled): a run that posted its clip. Count. */
  videosSucceeded: 'VideosSucceeded',
  /** SettleUsage (or RunEnded): a run that ended without a clip (failed, timed out, an error, stopped). Count. */
  videosFailed: 'VideosFailed',
  /** SettleUsage: the TokenBay quota the run's task used, as TokenBay settled it (unknown: not emitted). */
  tokenBayQuota: 'TokenBayQuota',
} as const;
