import { spawn } from 'node:child_process';
import { freePort } from './api-process';

/** The body both floors answer: the size of a small JSON answer of ours. */
const BODY = `JSON.stringify({ status: 'ok', checks: { events: 'up', readModels: 'up' } })`;

/**
 * The physical floor of HTTP on this machine: a bare `node:http` server answering every request
 * with a small JSON body. No framework, no routing, no token, no store: nothing our API does
 * can be answered faster.
 */
const BARE_NODE_HTTP = `
const body = ${BODY};
require('node:http')
  .createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
      response.end(body);
    });
  })
  .listen(Number(process.env.PORT), '127.0.0.1', () => process.stdout.write('listening\\n'));
`;

/**
 * The framework's own floor: NestJS on Fastify (the API's adapter, the versions installed
 * here) with one route answering the same body. No middleware, guard, pipe, token or store of
 * ours: what it costs above the bare server is the framework's. Plain JavaScript (decorators
 * applied by hand) so it starts without ts-node.
 */
const NEST_FASTIFY = `
require('reflect-metadata');
const { Controller, Get, Module } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { FastifyAdapter } = require('@nestjs/platform-fastify');
class Floor { answer() { return ${BODY.replace('JSON.stringify', '')}; } }
Get()(Floor.prototype, 'answer', Object.getOwnPropertyDescriptor(Floor.prototype, 'answer'));
Controller()(Floor);
class FloorModule {}
Module({ controllers: [Floor] })(FloorModule);
NestFactory.create(FloorModule, new FastifyAdapter(), { logger: false })
  .then((app) => app.listen(Number(process.env.PORT), '127.0.0.1'))
  .then(() => process.stdout.write('listening\\n'));
`;

export interface FloorServer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

export const startBareServer = () => startScript(BARE_NODE_HTTP);
export const startNestFastifyFloor = () => startScript(NEST_FASTIFY);

/** Runs `code` with the API's Node.js flags, resolving packages from the repository. */
async function startScript(code: string): Promise<FloorServer> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--max-semi-space-size=64', '-e', code], {
    cwd: process.cwd(),
    env: { PATH: process.env.PATH ?? '', PORT: String(port), NODE_ENV: 'benchmark' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`a floor server exited (${code})`)));
    child.stdout?.once('data', () => resolve());
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid ?? 0,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
