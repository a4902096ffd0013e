import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KnowledgeReport } from '@support-chat/shared';
import { KnowledgeBase } from '../src/knowledge/knowledge-base.js';
import { connected, data, demoKnowledge, startTestServer, type TestServer } from './harness.js';

async function get(t: TestServer, cookie: string, path: string) {
  const response = await fetch(`${t.url}${path}`, { headers: { cookie } });
  return { status: response.status, body: (await response.json()) as { data?: { report: KnowledgeReport }; error?: { code: string } } };
}

describe('the knowledge report (issue 14)', () => {
  let t: TestServer;
  let admin: string;
  let agent: string;
  beforeEach(async () => {
    t = await startTestServer({ knowledge: await KnowledgeBase.fromEntries(await demoKnowledge()) });
    admin = await t.loginAgent('Boss', 'admin');
    agent = await t.loginAgent('Ann');
  });
  afterEach(async () => {
    await t.close();
  });

  it('counts the AI answers per entry, the share accepted, the entries never used and the gaps, for admins only', async () => {
    // One visitor takes the answer; another gets the same answer and then asks for a person.
    for (const [clientId, handOff] of [['took-it-0001', false], ['wants-a-person', true]] as const) {
      const visitor = t.visitor();
      await connected(visitor);
      data(await visitor.emitWithAck('message:send', { clientId, text: 'How do I return an item?' }));
      await t.server.router.idle();
      if (handOff) data(await visitor.emitWithAck('handoff:request', {}));
    }
    const stuck = t.visitor();
    await connected(stuck);
    data(await stuck.emitWithAck('message:send', { clientId: 'stuck-0001', text: 'Do you sell gift cards for weddings?' }));
    await t.server.router.idle();

    const { status, body } = await get(t, admin, '/api/admin/reports/knowledge?tz=Europe/Berlin');
    expect(status).toBe(200);
    const report = body.data!.report;
    expect(report.answers).toBe(2);
    expect(report.accepted).toBe(1);
    expect(report.acceptedShare).toBe(0.5);
    expect(report.perEntry).toHaveLength(1);
    expect(report.perEntry[0]).toMatchObject({ answers: 2, accepted: 1, notHelpful: 0, title: expect.stringMatching(/return/i) });
    expect(report.neverUsed.count).toBeGreaterThan(0);
    expect(report.neverUsed.entries.map((e) => e.entryId)).not.toContain(report.perEntry[0]!.entryId);
    expect(report.gapsByWeek.reduce((sum, w) => sum + w.count, 0)).toBe(1);
    expect(report.gapsByWeek.at(-1)!.count).toBe(1);

    expect((await get(t, agent, '/api/admin/reports/knowledge')).status).toBe(403);
    expect((await get(t, admin, '/api/admin/reports/knowledge?tz=Mars/Olympus')).status).toBe(400);
  });
});
