/**
 * The language service's thread: building the program the first time takes seconds of CPU, and
 * the server must keep answering (kernels, saves) meanwhile. Answers `TypeRequest`s from
 * `type-client.ts` in order.
 */
import { parentPort } from 'node:worker_threads';
import type { TypeRequest, TypeResponse } from './type-client.js';
import { typeService } from './type-service.js';

const port = parentPort!;

port.on('message', async (request: TypeRequest) => {
  let response: TypeResponse;
  try {
    const service = await typeService();
    if (request.method === 'completions') response = { id: request.id, result: service.completions(request.query) };
    else if (request.method === 'hover') response = { id: request.id, result: service.hover(request.query) };
    else {
      // Warming: the first question builds the program (every package's declarations).
      service.completions({ before: [], source: '', offset: 0 });
      response = { id: request.id, result: null };
    }
  } catch (e) {
    response = { id: request.id, error: (e as Error).message };
  }
  port.postMessage(response);
});
