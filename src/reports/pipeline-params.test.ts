// The pipeline reports over a real listening server: a bad parameter is a 400 naming it (a day that is
// not one, an inverted range, an unknown dimension, interval, basis or view), and an unknown parameter too.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { clientFor, startTestServer, type TestServer } from '../test-helpers/server.js';

let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(async () => s.close());

test('bad parameters of the pipeline and quality reports are 400s naming the parameter', async () => {
  const api = (path: string) => clientFor(s).api(path);
  for (const [path, field] of [
    ['/api/reports/opportunities?asOf=2026-02-30', 'asOf'],
    ['/api/reports/opportunities?asOf=yesterday', 'asOf'],
    ['/api/reports/opportunities?by=keyword', 'by'],
    ['/api/reports/revenue?from=2026-03-02&to=2026-03-01', 'to'],
    ['/api/reports/revenue?interval=year', 'interval'],
    ['/api/reports/revenue?basis=invoices', 'basis'],
    ['/api/reports/revenue?view=table', 'view'],
    ['/api/reports/revenue?by=country', 'by'],
    ['/api/reports/funnel?from=2026-13-01', 'from'],
    ['/api/reports/funnel?from=2026-03-02&to=2026-03-01', 'to'],
    ['/api/reports/funnel?by=model', 'by'],
    // the common parameters, on each pipeline and quality report (and model-comparison)
    ['/api/reports/opportunities?keyword=shoes', 'keyword'],
    ['/api/reports/revenue?filter=colour:red', 'filter'],
    ['/api/reports/revenue?compare=2026-03-05..2026-03-01', 'compare'],
    ['/api/reports/funnel?compare=last-year', 'compare'],
    ['/api/reports/lead-quality?from=2026-03-02&to=2026-03-01', 'to'],
    ['/api/reports/lead-quality?filter=adGroup:x', 'filter'],
    ['/api/reports/lead-quality?groupBy=colour', 'groupBy'],
    ['/api/reports/sales-cycle?ad=x', 'ad'],
    ['/api/reports/subscriptions?filter=keyword:x', 'filter'],
    ['/api/reports/model-comparison?groupBy=device', 'groupBy'],
    ['/api/reports/model-comparison?from=2026-03-02&to=2026-03-01', 'to'],
  ] as const) {
    const r = await api(path);
    assert.equal(r.status, 400, path);
    const body = (await r.json()) as { error: { field?: string; message?: string } };
    assert.equal(body.error.field, field, `${path}: ${JSON.stringify(body)}`);
  }
  // an unknown parameter is refused as a part of the query, by its name
  const unknown = await api('/api/reports/opportunities?stage=x');
  assert.equal(unknown.status, 400);
  assert.match(((await unknown.json()) as { error: { message: string } }).error.message, /"stage"/);
  // and good ones answer, on an empty workspace with nothing to count
  for (const path of [
    '/api/reports/opportunities?asOf=2026-03-01&by=campaign',
    '/api/reports/revenue?from=2026-01-01&to=2026-03-31&interval=month&view=cohorts',
    '/api/reports/funnel?from=2026-01-01&to=2026-03-31',
    '/api/reports/funnel?from=2026-01-01&to=2026-03-31&channel=Email&compare=none',
    '/api/reports/lead-quality?filter=campaign:spring&compare=2025-01-01..2025-01-31',
    '/api/reports/sales-cycle?firstTouchChannel=Email',
    '/api/reports/subscriptions?source=google',
    '/api/reports/model-comparison?groupBy=keyword&from=2026-01-01&to=2026-01-31',
  ]) {
    const r = await api(path);
    assert.equal(r.status, 200, `${path}: ${await r.text()}`);
  }
  assert.equal((await fetch(`${s.base}/api/reports/funnel`)).status, 401);
});
