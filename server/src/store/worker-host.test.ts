import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SearchGeneration } from './search-index.js';
import type { MaintenanceRequest, MaintenanceResponse, MaintenanceWorkerData } from './sqlite-maintenance-worker.js';
import { SqliteStore } from './sqlite-store.js';
import { WorkerHost } from './worker-host.js';

const warnings: string[] = [];
const onWarning = (warning: Error) => warnings.push(warning.message);

afterEach(() => {
  process.off('warning', onWarning);
  warnings.length = 0;
});

describe('WorkerHost', () => {
  it('starts a lost maintenance thread again by itself, with no call to wait for (its checkpoints run without calls)', async () => {
    process.on('warning', onWarning);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-host-'));
    const file = path.join(dir, 'support-chat.sqlite');
    // No database yet: the thread fails as it starts, as a thread lost for any reason would.
    // Its own index file: the store opened below to make the database keeps one of its own.
    const data: MaintenanceWorkerData = { file, searchFile: path.join(dir, 'host-search.sqlite'), intervalMs: 50, searchGeneration: new SearchGeneration().buffer };
    const host: WorkerHost<MaintenanceRequest, MaintenanceResponse> = new WorkerHost('sqlite-maintenance-worker', data, 'store maintenance thread', (response) =>
      host.settle(response.id, response.ok ? { ok: true, value: 'indexed' } : { ok: false, error: new Error(response.message) }),
    { restartWhenLost: true });
    await expect.poll(() => warnings.find((w) => /store maintenance thread .*starting it again in 1 s/.test(w)), { timeout: 10_000 }).toBeTruthy();
    await (await SqliteStore.open(dir)).close();
    // Started again after the pause, by itself, with nothing posted: the new thread opens the
    // search index (and starts checkpointing) as it starts.
    const generation = new SearchGeneration(data.searchGeneration);
    await expect.poll(() => generation.current(), { timeout: 10_000, interval: 100 }).toBe(2); // opened once: odd, then even
    const { id, result } = host.expect();
    await host.post({ id, method: 'indexStep' }, [id]);
    expect(await result).toBe('indexed');
    await host.close({ close: true });
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the maintenance thread running while the search index cannot be opened, tells a search why, and opens it when it can', async () => {
    process.on('warning', onWarning);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-host-'));
    await (await SqliteStore.open(dir)).close();
    // The index's directory is missing (think: a volume not mounted yet): no file can be made there.
    const indexDir = path.join(dir, 'index');
    const data: MaintenanceWorkerData = { file: path.join(dir, 'support-chat.sqlite'), searchFile: path.join(indexDir, 'search.sqlite'), intervalMs: 20, searchGeneration: new SearchGeneration().buffer };
    const host: WorkerHost<MaintenanceRequest, MaintenanceResponse> = new WorkerHost('sqlite-maintenance-worker', data, 'store maintenance thread', (response) =>
      host.settle(response.id, response.ok ? { ok: true, value: 'indexed' } : { ok: false, error: new Error(response.message) }),
    { restartWhenLost: true });
    const step = async () => {
      const { id, result } = host.expect();
      await host.post({ id, method: 'indexStep' }, [id]);
      return result.catch((error: Error) => error.message);
    };
    // A search is told why, rather than reading an index that is not there.
    expect(await step()).toMatch(/search index .*search\.sqlite cannot be opened/);
    await new Promise((resolve) => setTimeout(resolve, 200)); // ~10 more tries, each failing
    fs.mkdirSync(indexDir);
    const generation = new SearchGeneration(data.searchGeneration);
    await expect.poll(() => generation.current(), { timeout: 10_000, interval: 50 }).toBe(2); // odd through the failed tries, then even
    expect(await step()).toBe('indexed');
    // The same thread all along: it never stopped (its warnings are its own stderr's).
    expect(warnings.filter((w) => /starting it again/.test(w))).toEqual([]);
    await host.close({ close: true });
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
