import type { Handler } from './context.js';

/** `GET /metrics`: Prometheus text exposition of the server's counters and histograms. */
export const metrics: Handler = (ctx) => ({
  status: 200,
  body: ctx.metrics.render(),
  contentType: 'text/plain; version=0.0.4; charset=utf-8',
});
