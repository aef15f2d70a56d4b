import { describe, expect, it } from 'vitest';
import { backendName, defaultBackendOrder, initBackend } from '../src/backend.js';

describe('backend selection', () => {
  it('prefers wasm in Node, with cpu as the fallback', async () => {
    expect(await defaultBackendOrder()).toEqual(['wasm', 'cpu']);
    expect(await initBackend()).toBe(process.env.WB_BACKEND ?? 'wasm');
    expect(backendName()).toBe(process.env.WB_BACKEND ?? 'wasm');
  });

  it('honours an explicit choice and reports it', async () => {
    expect(await initBackend('cpu')).toBe('cpu');
    expect(backendName()).toBe('cpu');
    expect(await initBackend('wasm')).toBe('wasm');
  });

  it('explains what it tried when the requested backend does not exist', async () => {
    await expect(initBackend('webgpu')).rejects.toThrow(/No tfjs backend could be initialised \(tried webgpu: not registered\)/);
  });
});
