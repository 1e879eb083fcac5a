/**
 * CloudWatch Embedded Metric Format: a JSON log line whose `_aws` member tells CloudWatch Logs
 * which of its fields are metrics. CloudWatch Logs turns such lines into metrics as they
 * arrive (Elastic Beanstalk's log streaming sends the container's stdout there), so the app
 * needs no PutMetricData permission and makes no metric calls of its own.
 */
export const NAMESPACE = 'SoundHub';

export type Unit = 'Count' | 'Milliseconds' | 'Bytes' | 'None';

export interface EmfDocument {
  _aws: {
    Timestamp: number;
    CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string; Unit: Unit }> }>;
  };
  [field: string]: unknown;
}

/**
 * One EMF document: `metrics` by name with their unit and value (a number, or up to 100 values
 * that CloudWatch folds into its statistics), under one set of `dimensions` (none: a
 * dimensionless rollup).
 */
export function emfDocument(
  timestamp: number,
  dimensions: Record<string, string>,
  metrics: Record<string, { unit: Unit; value: number | number[] }>,
): EmfDocument {
  const values = Object.fromEntries(Object.entries(metrics).map(([name, m]) => [name, m.value]));
  return {
    _aws: {
      Timestamp: timestamp,
      CloudWatchMetrics: [
        {
          Namespace: NAMESPACE,
          Dimensions: [Object.keys(dimensions)],
          Metrics: Object.entries(metrics).map(([name, m]) => ({ Name: name, Unit: m.unit })),
        },
      ],
    },
    ...dimensions,
    ...values,
  };
}

/** The q-quantile (0..1) of `values` by nearest rank; 0 for none. */
export function quantile(values: number[], q: number): number {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}
