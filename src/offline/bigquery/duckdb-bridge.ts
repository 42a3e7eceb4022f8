/**
 * DuckDB (`@duckdb/node-api`) called synchronously: the Apps Script runtime is
 * synchronous and DuckDB's Node API is not, so queries run in a worker thread and the
 * caller blocks on an Atomics wait until the answer is posted. Node-only.
 */
import {
  MessageChannel,
  Worker,
  receiveMessageOnPort,
  type MessagePort,
} from 'node:worker_threads';
import {SqlError} from './sql';

const WORKER_SOURCE = `
const {workerData} = require('node:worker_threads');
const {DuckDBInstance} = require(workerData.modulePath);
const port = workerData.port;
const flag = new Int32Array(workerData.flag);
let connection = null;
async function handle(msg) {
  if (msg.op === 'init') {
    const instance = await DuckDBInstance.create(':memory:');
    connection = await instance.connect();
    await connection.run("SET TimeZone = 'UTC'");
    return {ok: true};
  }
  if (msg.op === 'exec') {
    await connection.run(msg.sql);
    return {ok: true};
  }
  if (msg.op === 'query') {
    const reader = await connection.runAndReadAll(msg.sql, msg.values || undefined);
    return {
      ok: true,
      columns: reader.columnNames(),
      types: reader.columnTypes().map(t => t.toString()),
      rows: reader.getRowsJson(),
    };
  }
  throw new Error('unknown op ' + msg.op);
}
port.on('message', async msg => {
  let reply;
  try {
    reply = await handle(msg);
  } catch (e) {
    reply = {ok: false, error: String(e && e.message ? e.message : e)};
  }
  port.postMessage(reply);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
`;

interface Reply {
  ok: boolean;
  error?: string;
  columns?: string[];
  types?: string[];
  rows?: unknown[][];
}

/** DuckDB behind a worker thread, called synchronously. */
export class DuckDbBridge {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly flag = new Int32Array(new SharedArrayBuffer(4));
  private closed = false;

  constructor(private readonly timeoutMs = 120_000) {
    const {port1, port2} = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        modulePath: require.resolve('@duckdb/node-api'),
        port: port2,
        flag: this.flag.buffer,
      },
      transferList: [port2],
    });
    this.worker.unref();
    this.call({op: 'init'});
  }

  call(msg: Record<string, unknown>): Reply {
    if (this.closed) throw new Error('DuckDB bridge is closed');
    Atomics.store(this.flag, 0, 0);
    this.port.postMessage(msg);
    const waited = Atomics.wait(this.flag, 0, 0, this.timeoutMs);
    if (waited === 'timed-out')
      throw new Error(`DuckDB did not answer within ${this.timeoutMs} ms`);
    const got = receiveMessageOnPort(this.port);
    if (!got) throw new Error('DuckDB answered without a message');
    return got.message as Reply;
  }

  exec(sql: string): void {
    const r = this.call({op: 'exec', sql});
    if (!r.ok) throw new SqlError(r.error ?? 'DuckDB error');
  }

  query(
    sql: string,
    values?: Record<string, string | null>,
  ): Required<Pick<Reply, 'columns' | 'types' | 'rows'>> {
    const r = this.call({op: 'query', sql, values});
    if (!r.ok) throw new SqlError(r.error ?? 'DuckDB error');
    return {columns: r.columns!, types: r.types!, rows: r.rows!};
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.port.close();
    void this.worker.terminate();
  }
}

/* ================================================================ the backend */
