/**
 * The benchmark's HTTP client (bench/http.ts) against a TCP server that answers with exact
 * bytes: each way of framing a body, keep-alive reuse, and a kept-alive socket the server closed.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { HttpClient } from '../../bench/http.ts';

interface Received {
  head: string;
  body: string;
}

/** The response for a request path; `close` ends the connection after it. */
const RESPONSES: Record<string, { bytes: string; close?: boolean }> = {
  '/length': { bytes: 'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 11\r\n\r\n{"a":"b c"}' },
  '/chunked': { bytes: 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n4\r\nabcd\r\n3\r\nefg\r\n0\r\n\r\n' },
  '/redirect': { bytes: 'HTTP/1.1 303 See Other\r\nlocation: http://127.0.0.1:5999/cb?code=x\r\nset-cookie: a=1\r\nset-cookie: b=2\r\ncontent-length: 0\r\n\r\n' },
  '/no-content': { bytes: 'HTTP/1.1 204 No Content\r\ncontent-length: 5\r\n\r\n' },
  '/until-close': { bytes: 'HTTP/1.1 200 OK\r\nconnection: close\r\n\r\nto the end', close: true },
  '/then-close': { bytes: 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok', close: true },
  '/cut-short': { bytes: 'HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nabc', close: true },
};

/** A new client for `use`, closed afterwards. */
async function withClient(use: (client: HttpClient) => Promise<void>): Promise<void> {
  const client = new HttpClient();
  try {
    await use(client);
  } finally {
    client.close();
  }
}

describe('bench HTTP client', () => {
  let server: Server;
  let base: string;
  const connections: Socket[] = [];
  const received: Received[] = [];

  before(async () => {
    server = createServer((socket) => {
      connections.push(socket);
      let buffer = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        buffer = Buffer.concat([buffer, chunk]);
        for (;;) {
          const end = buffer.indexOf('\r\n\r\n');
          if (end < 0) return;
          const head = buffer.toString('latin1', 0, end);
          const length = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? '0');
          if (buffer.length < end + 4 + length) return;
          received.push({ head, body: buffer.subarray(end + 4, end + 4 + length).toString('utf8') });
          buffer = buffer.subarray(end + 4 + length);
          const path = (head.split(' ')[1] ?? '').split('?')[0] ?? '';
          const response = RESPONSES[path] ?? { bytes: 'HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n' };
          socket.write(response.bytes, 'latin1');
          if (response.close) socket.end();
        }
      });
      socket.on('error', () => {});
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(() => {
    for (const socket of connections) socket.destroy();
    server.close();
  });

  it('reads a body framed by Content-Length, by chunks, and by the end of the connection', () =>
    withClient(async (client) => {
      const json = await client.send(`${base}/length`, 'GET', {});
      assert.deepEqual([json.status, json.headers['content-type'], json.body], [200, 'application/json', '{"a":"b c"}']);
      assert.equal((await client.send(`${base}/chunked`, 'GET', {})).body, 'abcdefg');
      const untilClose = await client.send(`${base}/until-close`, 'GET', {});
      assert.deepEqual([untilClose.status, untilClose.body], [200, 'to the end']);
    }));

  it('keeps every Set-Cookie, reads no body for 204, and reuses one socket for sequential requests', () =>
    withClient(async (client) => {
      const opened = connections.length;
      const redirect = await client.send(`${base}/redirect?x=1`, 'GET', { cookie: 's=1' });
      assert.equal(redirect.status, 303);
      assert.equal(redirect.headers['location'], 'http://127.0.0.1:5999/cb?code=x');
      assert.deepEqual(redirect.headers['set-cookie'], ['a=1', 'b=2']);
      const empty = await client.send(`${base}/no-content`, 'GET', {});
      assert.deepEqual([empty.status, empty.body], [204, '']);
      assert.equal(connections.length - opened, 1);
      const sent = received.find((r) => r.head.startsWith('GET /redirect?x=1 HTTP/1.1'));
      assert.match(sent?.head ?? '', /\r\ncookie: s=1(\r\n|$)/);
    }));

  it('sends a POST body with its length in bytes', () =>
    withClient(async (client) => {
      const body = 'name=J%C3%BCrgen&note=ü';
      await client.send(`${base}/length`, 'POST', { 'content-type': 'application/x-www-form-urlencoded' }, body);
      const sent = received.find((r) => r.head.startsWith('POST /length'));
      assert.equal(Buffer.byteLength(body), body.length + 1);
      assert.match(sent?.head ?? '', new RegExp(`\\r\\ncontent-length: ${Buffer.byteLength(body)}(\\r\\n|$)`));
      assert.equal(sent?.body, body);
    }));

  it('opens a new socket when the server closed the one kept alive, and fails a response cut short', () =>
    withClient(async (client) => {
      const opened = connections.length;
      assert.equal((await client.send(`${base}/then-close`, 'GET', {})).body, 'ok');
      assert.equal((await client.send(`${base}/length`, 'GET', {})).status, 200);
      assert.equal(connections.length - opened, 2);
      await assert.rejects(client.send(`${base}/cut-short`, 'GET', {}), /^Error: GET \/cut-short: the server closed the connection in the middle of a response$/);
    }));
});
