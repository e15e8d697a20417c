// temp measurement script (not part of the repo; deleted after)
import { MongoClient } from 'mongodb';
const url = process.argv[2];
const client = new MongoClient(url, { serverSelectionTimeoutMS: 5000 });
await client.connect();
const db = client.db(`measure_${process.pid}`);
const ms = (t) => Number(process.hrtime.bigint() - t) / 1e6;
const upserts = (prefix, n) =>
  Array.from({ length: n }, (_, i) => ({
    replaceOne: { filter: { _id: `${prefix}:${i}` }, replacement: { _id: `${prefix}:${i}`, n: i, s: 'x'.repeat(100) }, upsert: true },
  }));
const out = {};
try {
  const a = db.collection('empty');
  let t = process.hrtime.bigint();
  await a.bulkWrite(upserts('u', 100), { ordered: false });
  out.upsert100_empty_ms = ms(t);
  const b = db.collection('big');
  t = process.hrtime.bigint();
  await b.insertMany(Array.from({ length: 5000 }, (_, i) => ({ _id: `b:${i}`, n: i, s: 'x'.repeat(100) })), { ordered: false });
  out.insert5000_ms = ms(t);
  t = process.hrtime.bigint();
  await b.bulkWrite(upserts('u', 100), { ordered: false });
  out.upsert100_at5000_ms = ms(t);
  t = process.hrtime.bigint();
  await b.bulkWrite(upserts('b', 100), { ordered: false });
  out.upsert100_existing_at5100_ms = ms(t);
  out.count = await b.countDocuments();
} finally {
  await db.dropDatabase();
  await client.close();
}
console.log(JSON.stringify(out));
