import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePrometheusText, StatusHistory, sparkline } from './status.ts';

/** Two scrapes two seconds apart; every expected figure below is worked by hand from them. */
const T0 = `# HELP datapipe_records_in_total x
datapipe_records_in_total{pipeline="orders"} 1000
datapipe_records_out_total{pipeline="orders",sink="db"} 900
datapipe_records_dead_lettered_total{pipeline="orders",stage="decode"} 2
datapipe_batch_write_duration_seconds_sum{pipeline="orders",sink="db"} 1.5
datapipe_batch_write_duration_seconds_count{pipeline="orders",sink="db"} 10
datapipe_sink_write_retries_total{pipeline="orders",sink="db"} 1
datapipe_consumer_lag{pipeline="orders",topic="orders",partition="0"} 40
datapipe_consumer_lag{pipeline="orders",topic="orders",partition="1"} 60
`;
const T1 = `datapipe_records_in_total{pipeline="orders"} 1600
datapipe_records_out_total{pipeline="orders",sink="db"} 1400
datapipe_records_dead_lettered_total{pipeline="orders",stage="decode"} 2
datapipe_records_dead_lettered_total{pipeline="orders",stage="transform"} 3
datapipe_batch_write_duration_seconds_sum{pipeline="orders",sink="db"} 1.7
datapipe_batch_write_duration_seconds_count{pipeline="orders",sink="db"} 14
datapipe_sink_write_retries_total{pipeline="orders",sink="db"} 4
datapipe_consumer_lag{pipeline="orders",topic="orders",partition="0"} 10
datapipe_consumer_lag{pipeline="orders",topic="orders",partition="1"} 20
`;

describe('status figures', () => {
  it('parses the Prometheus text format, labels included', () => {
    const s = parsePrometheusText('# c\nm_total{a="x",b="q\\"uote"} 3.5\nplain 7\n');
    assert.deepEqual(s, [
      { name: 'm_total', labels: { a: 'x', b: 'q"uote' }, value: 3.5 },
      { name: 'plain', labels: {}, value: 7 },
    ]);
  });

  it('turns two scrapes into rates, latency and lag', () => {
    const h = new StatusHistory('127.0.0.1:9464');
    h.add(T0, 10_000);
    h.add(T1, 12_000);
    const [p] = h.view();
    assert.equal(p?.pipeline, 'orders');
    assert.deepEqual(p?.inPerSecond, [300]); // (1600 - 1000) / 2 s
    assert.equal(p?.deadLettered, 5); // 2 + 3 over both stages
    const db = p?.sinks[0];
    assert.deepEqual(db?.outPerSecond, [250]); // (1400 - 900) / 2 s
    assert.equal(db?.latencyMs.length, 1);
    assert.ok(Math.abs((db?.latencyMs[0] ?? 0) - 50) < 1e-9); // (1.7 - 1.5) s / (14 - 10) writes = 50 ms
    assert.equal(db?.retries, 4);
    assert.deepEqual(p?.lag, { 'orders/0': 10, 'orders/1': 20 });
    assert.deepEqual(p?.totalLag, [100, 30]);
  });

  it('draws sparklines scaled to their maximum', () => {
    assert.equal(sparkline([0, 1, 2, 4, 8], 5), '▁▁▂▄█');
    assert.equal(sparkline([null, 8], 4), '   █');
  });
});
