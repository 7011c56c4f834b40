import type { Histogram } from 'prom-client';

/** One labelled series of a histogram counted elsewhere (in SQL): cumulative counts per upper bound. */
export interface HistogramSeries {
  labels: Record<string, string>;
  /** For each of the histogram's upper bounds, the observations at most that large (cumulative). */
  cumulativeCounts: readonly number[];
  count: number;
  sum: number;
}

/** The series store of a prom-client 15 histogram: per upper bound the observations in that bucket alone. */
interface HistogramInternals {
  upperBounds: readonly number[];
  hashMap: Record<
    string,
    { labels: Record<string, string>; bucketValues: Record<number, number>; sum: number; count: number }
  >;
}

/**
 * Replaces every series of `histogram` with counts made elsewhere, for use in its `collect()` hook.
 * prom-client can only `observe()` one value at a time, so this writes its series map (the layout of
 * prom-client 15, checked by the registry's tests) instead of replaying every observation.
 */
export function setHistogramSeries(histogram: Histogram<string>, series: readonly HistogramSeries[]): void {
  const internals = histogram as unknown as HistogramInternals;
  const bounds = internals.upperBounds;
  histogram.reset();
  series.forEach(({ labels, cumulativeCounts, count, sum }, index) => {
    const bucketValues: Record<number, number> = {};
    bounds.forEach((bound, i) => {
      bucketValues[bound] = (cumulativeCounts[i] ?? 0) - (i === 0 ? 0 : (cumulativeCounts[i - 1] ?? 0));
    });
    // The key only has to be unique: prom-client exports Object.values of the map.
    internals.hashMap[`preset:${index}`] = { labels, bucketValues, sum, count };
  });
}
