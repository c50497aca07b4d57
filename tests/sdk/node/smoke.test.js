// Smoke workflow: the official Milvus Node.js SDK (@zilliz/milvus2-sdk-node, pinned in
// package.json) against a real `elanus serve` that this test starts on a free loopback port.
// Run: `npm ci && node --test` in this directory; $ELANUS_BIN names the server binary
// (default: build/release/tools/elanus under the repo root).
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { MilvusClient, DataType, ConsistencyLevelEnum } = require('@zilliz/milvus2-sdk-node');

const REPO = path.resolve(__dirname, '..', '..', '..');
const BIN = path.resolve(REPO, process.env.ELANUS_BIN || 'build/release/tools/elanus');
const DIM = 8;
const ROWS = 100;
const COLLECTION = 'node_smoke';

// Deterministic pseudo-random vectors (a small LCG), so every run sees the same data.
function makeVectors(n, dim, seed) {
  let s = seed >>> 0;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296 - 0.5;
  };
  return Array.from({ length: n }, () => Array.from({ length: dim }, next));
}
const VECTORS = makeVectors(ROWS, DIM, 20240607);
const rowName = (i) => `name_${i}`;
const rowAge = (i) => i; // ages 0..99, so `age > 50` keeps exactly the ids 51..99

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function canConnect(port) {
  return new Promise((resolve) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    sock.setTimeout(200);
    sock.once('connect', () => { sock.destroy(); resolve(true); });
    sock.once('error', () => { sock.destroy(); resolve(false); });
    sock.once('timeout', () => { sock.destroy(); resolve(false); });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let server; // { proc, dataDir, logPath, exited }
let client;

async function startServer() {
  assert.ok(fs.existsSync(BIN), `elanus binary not found at ${BIN}: build it or set ELANUS_BIN`);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'elanus-node-sdk-'));
  const port = await freePort();
  const logPath = path.join(dataDir, 'server.log');
  const log = fs.openSync(logPath, 'a');
  const proc = spawn(BIN, ['serve', '--port', String(port), '--health-port', '0',
    '--data-dir', path.join(dataDir, 'data')], { stdio: ['ignore', log, log] });
  fs.closeSync(log);
  const s = { proc, dataDir, logPath, port, exited: null };
  proc.on('exit', (code, signal) => { s.exited = { code, signal }; });
  const deadline = Date.now() + 30000;
  while (Date.now() < deadline) {
    if (s.exited) {
      throw new Error(`elanus serve exited early (${JSON.stringify(s.exited)}):\n` +
        fs.readFileSync(logPath, 'utf8'));
    }
    if (await canConnect(port)) return s;
    await sleep(50);
  }
  proc.kill('SIGKILL');
  throw new Error('elanus serve did not open its port within 30 s');
}

async function stopServer(s) {
  if (!s) return;
  if (!s.exited) {
    const done = new Promise((r) => s.proc.once('exit', r));
    s.proc.kill('SIGTERM');
    const timer = setTimeout(() => s.proc.kill('SIGKILL'), 30000);
    await done;
    clearTimeout(timer);
  }
  fs.rmSync(s.dataDir, { recursive: true, force: true });
}

// The Node SDK reports most server errors in the response status instead of throwing.
function assertOk(res, what) {
  const status = res && (res.status || res);
  assert.ok(status, `${what}: no status in response`);
  assert.equal(status.error_code, 'Success',
    `${what} failed: ${JSON.stringify(status)}`);
  if (status.code !== undefined) assert.equal(status.code, 0, `${what}: ${JSON.stringify(status)}`);
}

async function countAll() {
  const res = await client.query({
    collection_name: COLLECTION,
    filter: '',
    output_fields: ['count(*)'],
    consistency_level: ConsistencyLevelEnum.Strong,
  });
  assertOk(res, 'query count(*)');
  assert.equal(res.data.length, 1, `count(*) rows: ${JSON.stringify(res.data)}`);
  return Number(res.data[0]['count(*)']);
}

before(async () => {
  server = await startServer();
  client = new MilvusClient({ address: `127.0.0.1:${server.port}`, timeout: 30000 });
  await client.connectPromise;
});

after(async () => {
  if (client) {
    try { await client.closeConnection(); } catch (_) { /* already closed */ }
  }
  await stopServer(server);
});

test('node SDK smoke workflow against elanus serve', async (t) => {
  await t.test('connect: server version is reported', async () => {
    const res = await client.getVersion();
    assertOk(res, 'getVersion');
    assert.match(String(res.version), /\d+\.\d+/, `version: ${JSON.stringify(res)}`);
  });

  await t.test('create collection with an explicit schema', async () => {
    const res = await client.createCollection({
      collection_name: COLLECTION,
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true, autoID: false },
        { name: 'vector', data_type: DataType.FloatVector, dim: DIM },
        { name: 'name', data_type: DataType.VarChar, max_length: 64 },
        { name: 'age', data_type: DataType.Int64 },
      ],
      consistency_level: ConsistencyLevelEnum.Strong,
    });
    assertOk(res, 'createCollection');

    const has = await client.hasCollection({ collection_name: COLLECTION });
    assertOk(has, 'hasCollection');
    assert.equal(has.value, true);

    const desc = await client.describeCollection({ collection_name: COLLECTION });
    assertOk(desc, 'describeCollection');
    const fields = Object.fromEntries(desc.schema.fields.map((f) => [f.name, f]));
    assert.deepEqual(Object.keys(fields).sort(), ['age', 'id', 'name', 'vector']);
    assert.equal(fields.id.data_type, 'Int64');
    assert.equal(fields.id.is_primary_key, true);
    assert.equal(fields.vector.data_type, 'FloatVector');
    assert.equal(Number(fields.vector.dim), DIM);
    assert.equal(fields.name.data_type, 'VarChar');
    assert.equal(Number(fields.name.max_length), 64);
    assert.equal(fields.age.data_type, 'Int64');
  });

  await t.test('create index and load', async () => {
    const res = await client.createIndex({
      collection_name: COLLECTION,
      field_name: 'vector',
      index_name: 'vector_idx',
      index_type: 'AUTOINDEX',
      metric_type: 'COSINE',
    });
    assertOk(res, 'createIndex');

    const idx = await client.describeIndex({ collection_name: COLLECTION, field_name: 'vector' });
    assertOk(idx, 'describeIndex');
    assert.equal(idx.index_descriptions.length, 1);
    assert.equal(idx.index_descriptions[0].field_name, 'vector');
    const params = Object.fromEntries(idx.index_descriptions[0].params.map((p) => [p.key, p.value]));
    assert.equal(params.metric_type, 'COSINE', `index params: ${JSON.stringify(params)}`);

    assertOk(await client.loadCollectionSync({ collection_name: COLLECTION }), 'loadCollectionSync');
    const state = await client.getLoadState({ collection_name: COLLECTION });
    assertOk(state, 'getLoadState');
    assert.equal(state.state, 'LoadStateLoaded');
  });

  await t.test('insert 100 rows', async () => {
    const data = VECTORS.map((vector, i) => ({ id: i, vector, name: rowName(i), age: rowAge(i) }));
    const res = await client.insert({ collection_name: COLLECTION, data });
    assertOk(res, 'insert');
    assert.equal(Number(res.insert_cnt), ROWS);
    assert.deepEqual(res.err_index, []);
    const ids = res.IDs.int_id.data.map(Number);
    assert.deepEqual(ids, VECTORS.map((_, i) => i));
    assert.equal(await countAll(), ROWS);
  });

  await t.test('search with a filter', async () => {
    const target = 77; // its own vector must be the top hit, and it satisfies age > 50
    const res = await client.search({
      collection_name: COLLECTION,
      data: [VECTORS[target]],
      anns_field: 'vector',
      limit: 10,
      filter: 'age > 50',
      // Milvus 2.6 returns the primary key as a column only when it is asked for (or '*'),
      // and the Node SDK builds each hit from those columns.
      output_fields: ['id', 'name', 'age'],
      metric_type: 'COSINE',
      consistency_level: ConsistencyLevelEnum.Strong,
    });
    assertOk(res, 'search');
    const hits = res.results;
    assert.equal(hits.length, 10, `hits: ${JSON.stringify(hits)}`);
    assert.equal(Number(hits[0].id), target, `top hit: ${JSON.stringify(hits[0])}`);
    assert.ok(Math.abs(hits[0].score - 1) < 1e-4, `top score ${hits[0].score}`);
    assert.equal(hits[0].name, rowName(target));
    for (const h of hits) {
      assert.ok(Number(h.age) > 50, `hit violates the filter: ${JSON.stringify(h)}`);
      assert.equal(Number(h.age), rowAge(Number(h.id)));
      assert.equal(h.name, rowName(Number(h.id)));
    }
    for (let i = 1; i < hits.length; i++) {
      assert.ok(hits[i - 1].score >= hits[i].score, 'COSINE scores must be non-increasing');
    }
    assert.equal(new Set(hits.map((h) => String(h.id))).size, hits.length, 'duplicate hits');

    // A query vector whose own row is filtered out must not come back.
    const res2 = await client.search({
      collection_name: COLLECTION,
      data: [VECTORS[10]],
      anns_field: 'vector',
      limit: 5,
      filter: 'age > 50',
      // no output_fields: the SDK sends ['*'], which includes the primary key
      consistency_level: ConsistencyLevelEnum.Strong,
    });
    assertOk(res2, 'search (filtered-out target)');
    assert.equal(res2.results.length, 5);
    for (const h of res2.results) {
      assert.ok(h.id !== undefined, `hit without id: ${JSON.stringify(h)}`);
      assert.equal(h.name, rowName(Number(h.id)));
      assert.equal(h.vector.length, DIM);
      assert.notEqual(Number(h.id), 10);
      assert.ok(Number(h.age) > 50, `hit violates the filter: ${JSON.stringify(h)}`);
    }
  });

  await t.test('query with a filter', async () => {
    const res = await client.query({
      collection_name: COLLECTION,
      filter: 'age >= 90 and name != "name_95"',
      output_fields: ['id', 'name', 'age'],
      consistency_level: ConsistencyLevelEnum.Strong,
    });
    assertOk(res, 'query');
    const rows = res.data.map((r) => ({ id: Number(r.id), name: r.name, age: Number(r.age) }))
      .sort((a, b) => a.id - b.id);
    const expected = [90, 91, 92, 93, 94, 96, 97, 98, 99]
      .map((i) => ({ id: i, name: rowName(i), age: rowAge(i) }));
    assert.deepEqual(rows, expected);
  });

  await t.test('get by ids', async () => {
    const res = await client.get({
      collection_name: COLLECTION,
      ids: [3, 42, 99],
      output_fields: ['id', 'name', 'age', 'vector'],
    });
    assertOk(res, 'get');
    const rows = res.data.slice().sort((a, b) => Number(a.id) - Number(b.id));
    assert.deepEqual(rows.map((r) => Number(r.id)), [3, 42, 99]);
    for (const r of rows) {
      const i = Number(r.id);
      assert.equal(r.name, rowName(i));
      assert.equal(Number(r.age), rowAge(i));
      assert.equal(r.vector.length, DIM);
      r.vector.forEach((x, k) => assert.ok(Math.abs(x - VECTORS[i][k]) < 1e-6,
        `vector[${k}] of ${i}: ${x} vs ${VECTORS[i][k]}`));
    }
  });

  await t.test('delete by ids and count(*) drops', async () => {
    const res = await client.delete({ collection_name: COLLECTION, ids: [0, 1, 2, 77, 99] });
    assertOk(res, 'delete');
    assert.equal(Number(res.delete_cnt), 5);
    assert.equal(await countAll(), ROWS - 5);

    const gone = await client.get({ collection_name: COLLECTION, ids: [0, 77, 99, 50],
      output_fields: ['id'] });
    assertOk(gone, 'get after delete');
    assert.deepEqual(gone.data.map((r) => Number(r.id)), [50]);

    const s = await client.search({
      collection_name: COLLECTION,
      data: [VECTORS[77]],
      limit: 3,
      filter: 'age > 50',
      consistency_level: ConsistencyLevelEnum.Strong,
    });
    assertOk(s, 'search after delete');
    assert.equal(s.results.length, 3);
    for (const h of s.results) {
      assert.ok(h.id !== undefined, `hit without id: ${JSON.stringify(h)}`);
      assert.notEqual(Number(h.id), 77, 'deleted row was returned');
    }
  });

  await t.test('drop collection', async () => {
    assertOk(await client.dropCollection({ collection_name: COLLECTION }), 'dropCollection');
    const has = await client.hasCollection({ collection_name: COLLECTION });
    assertOk(has, 'hasCollection after drop');
    assert.equal(has.value, false);
  });
});
